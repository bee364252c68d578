using System.Text;
using Microsoft.Extensions.Time.Testing;
using Microstructures.Core.Audit;
using Microstructures.Core.Forfaits;
using Microstructures.Core.ReferenceData;
using Microstructures.TestSupport;

namespace Microstructures.Core.Tests.Forfaits;

public sealed class ForfaitImportTests(Azurite azurite) : IClassFixture<Azurite>
{
    private static readonly Actor NetworkA = ForfaitHarness.NetworkActor(ForfaitHarness.NetworkA);

    static ForfaitImportTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    // Accents in a header ("Fin de période") and in a scheme's name: read with the wrong encoding, the
    // column is not recognised and the scheme not found.
    private const string Sheet =
        "Microstructure;Pseudonyme;Dispositif;Date d'inclusion;Fin de période\r\n" +
        "cabinet-a1;PAT-01;Equip'Addict;2024-05-15;\r\n" +
        "cabinet-a1;PAT-02;Microstructures post-Covid / santé mentale;15/01/2026;\r\n" +
        "cabinet-a2;PAT-03;equip-addict;2024-05-15;2026-05-14\r\n";

    private async Task<ForfaitHarness> StartAsync()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));
        var h = new ForfaitHarness(azurite.IsolatedConnectionString(), time, OrgDates.Today(time));
        await h.SeedTreeAsync();
        return h;
    }

    [Fact]
    public async Task Utf8WithOrWithoutBomAndWindows1252GiveTheSameForfaits()
    {
        using var h = await StartAsync();
        var import = h.Get<ForfaitImport>();

        var utf8 = (await import.ImportAsync(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Sheet)).ToArray(), NetworkA)).Value!;
        var windows = (await import.ImportAsync(Encoding.GetEncoding(1252).GetBytes(Sheet), NetworkA)).Value!;
        var noBom = (await import.ImportAsync(Encoding.UTF8.GetBytes(Sheet), NetworkA)).Value!;

        Assert.Equal(("UTF-8", 3, 3, 0), (utf8.Encoding, utf8.Rows, utf8.Created, utf8.Existing));
        Assert.Empty(utf8.Errors);
        Assert.Equal(("Windows-1252", 0, 3), (windows.Encoding, windows.Created, windows.Existing));
        Assert.Empty(windows.Errors);
        Assert.Equal(("UTF-8", 0, 3), (noBom.Encoding, noBom.Created, noBom.Existing));
        var forfaits = (await h.Forfaits.ListAsync(null, NetworkA)).Value!.OrderBy(f => f.Pseudonym, StringComparer.Ordinal).ToList();
        Assert.Equal(
            [
                ("PAT-01", "equip-addict", 3, new DateOnly(2026, 5, 15), PeriodOrigin.Import, ForfaitStatus.Active),
                ("PAT-02", "sante-mentale", 1, new DateOnly(2026, 1, 15), PeriodOrigin.Inclusion, ForfaitStatus.Active),
                ("PAT-03", "equip-addict", 2, new DateOnly(2025, 5, 15), PeriodOrigin.Import, ForfaitStatus.Lapsed),
            ],
            forfaits.Select(f => (f.Pseudonym, f.SchemeId, f.CurrentPeriod.Number, f.CurrentPeriod.Start, f.CurrentPeriod.Origin, f.Status)));
    }

    [Fact]
    public async Task IdentifyingDataAnywhereRefusesTheWholeFileNamingLineAndColumn()
    {
        using var h = await StartAsync();
        var csv = "microstructure_id;pseudonyme;dispositif;date_inclusion;commentaire;nom\n" +
            "cabinet-a1;PAT-01;equip-addict;2026-05-15;;\n" +
            "cabinet-a1;PAT-02;equip-addict;2026-05-15;rappeler au 06 12 34 56 78;\n" +
            "cabinet-a1;PAT-03;equip-addict;2026-05-15;;Exemple\n" +
            "cabinet-a1;PAT-12031985;equip-addict;2026-05-15;;\n" +
            "cabinet-a1;PAT-05;equip-addict;2026-05-15;nir 1 85 02 2A 123 456 82;\n";

        var refused = await h.Get<ForfaitImport>().ImportAsync(Encoding.UTF8.GetBytes(csv), NetworkA);

        var messages = refused.Errors["file"];
        Assert.Equal("Ligne 3, colonne « commentaire » : ressemble à un numéro de téléphone.", messages[0]);
        Assert.StartsWith("Ligne 4, colonne « nom » : cette colonne ne peut contenir que des données identifiantes", messages[1], StringComparison.Ordinal);
        Assert.Equal("Ligne 5, colonne « pseudonyme » : le pseudonyme ressemble à une date (de naissance ?).", messages[2]);
        Assert.Equal("Ligne 6, colonne « commentaire » : ressemble à un numéro de sécurité sociale.", messages[3]);
        Assert.Contains("rien n'a été enregistré", messages[^1], StringComparison.Ordinal);
        foreach (var table in new[] { ForfaitStore.TableName, ForfaitStore.LookupTableName, ReminderStore.DueTableName })
        {
            Assert.Empty(await h.AllRowsAsync(table));
        }
    }

    [Fact]
    public async Task OrdinaryErrorsRejectTheirRowOnly()
    {
        using var h = await StartAsync();
        var csv = "microstructure_id;pseudonyme;dispositif;date_inclusion;fin_periode\n" +
            "cabinet-a1;PAT-01;equip-addict;2026-05-15;\n" +
            "cabinet-b1;PAT-02;equip-addict;2026-05-15;\n" + // another network's microstructure
            "cabinet-zz;PAT-03;equip-addict;2026-05-15;\n" +
            "cabinet-a1;PAT-04;forfait-inconnu;2026-05-15;\n" +
            "cabinet-a1;PAT-05;equip-addict;2026-13-45;\n" +
            "cabinet-a1;PAT-06;equip-addict;2024-05-15;2026-05-15\n" + // not a period end
            "cabinet-a1;AB;equip-addict;2026-05-15;\n" +
            "cabinet-a2;PAT-08;equip-addict;2026-02-01;\n";

        var report = (await h.Get<ForfaitImport>().ImportAsync(Encoding.UTF8.GetBytes(csv), NetworkA)).Value!;

        Assert.Equal((8, 2, 0), (report.Rows, report.Created, report.Existing));
        Assert.Equal([3, 4, 5, 6, 7, 8], report.Errors.Select(e => e.Line));
        Assert.Equal("microstructure_id : La microstructure « cabinet-b1 » n'appartient pas à votre réseau.", Assert.Single(report.Errors[0].Reasons));
        Assert.Equal("microstructure_id : Aucune microstructure n'a l'identifiant « cabinet-zz ».", Assert.Single(report.Errors[1].Reasons));
        Assert.StartsWith("dispositif : Indiquez le dispositif parmi : equip-addict (Equip'Addict)", Assert.Single(report.Errors[2].Reasons), StringComparison.Ordinal);
        Assert.StartsWith("date_inclusion : ", Assert.Single(report.Errors[3].Reasons), StringComparison.Ordinal);
        Assert.Equal("fin_periode : une période commencée le 15 mai 2024 se termine la veille d'un anniversaire de l'inclusion, par exemple le 14 mai 2027.", Assert.Single(report.Errors[4].Reasons));
        Assert.Equal("pseudonyme : Le pseudonyme doit compter de 3 à 24 caractères.", Assert.Single(report.Errors[5].Reasons));
        Assert.Equal(["PAT-01", "PAT-08"], (await h.Forfaits.ListAsync(null, NetworkA)).Value!.Select(f => f.Pseudonym).Order());
    }

    [Fact]
    public async Task AFileWithoutTheExpectedColumnsSaysWhichAreMissing()
    {
        using var h = await StartAsync();

        var refused = await h.Get<ForfaitImport>().ImportAsync(Encoding.UTF8.GetBytes("pseudonyme;date\nPAT-1;2026-01-01\n"), NetworkA);

        Assert.StartsWith("Colonnes manquantes : microstructure_id, dispositif, date_inclusion.", Assert.Single(refused.Errors["file"]), StringComparison.Ordinal);
    }
}
