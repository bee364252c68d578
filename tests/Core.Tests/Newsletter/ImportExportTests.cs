using System.Text;
using Microstructures.Core.Audit;
using Microstructures.Core.Common;
using Microstructures.Core.Newsletter;
using Microstructures.TestSupport;

namespace Microstructures.Core.Tests.Newsletter;

public sealed class ImportExportTests(Azurite azurite) : IClassFixture<Azurite>
{
    static ImportExportTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private NewsletterHarness Harness() => new(azurite.IsolatedConnectionString(), NewsletterHarness.At(2026, 3, 10, 8));

    [Fact]
    public async Task AFrenchExcelListBecomesActiveProfessionalContactsWithTheirSource()
    {
        using var h = Harness();
        await h.ActiveSubscriberAsync("deja@example.org");
        var csv = "Nom;Adresse e-mail;Structure\n" +
                  "Hélène;helene@example.org;Réseau Île-de-France\n" +
                  "Déjà;DEJA@example.org;\n" +
                  "Sans;;\n" +
                  "Faux;pas-une-adresse;\n" +
                  "Hélène bis;Helene@Example.org;\n";

        var report = (await h.Get<SubscriberImport>().ImportAsync(Encoding.GetEncoding(1252).GetBytes(csv), "Annuaire des coordinateurs 2025", Actor.Staff)).Value!;

        Assert.Equal(("Windows-1252", 5, 1, 1, 1, 2), (report.Encoding, report.Rows, report.Added, report.Existing, report.Duplicates, report.Invalid));
        Assert.Equal([(4, "adresse e-mail manquante"), (5, "adresse e-mail invalide")], report.Errors.Select(e => (e.Line, e.Reason)));
        var row = (await h.SubscriberAsync("helene@example.org"))!;
        Assert.Equal((SubscriberStatus.Active, nameof(SubscriberSource.Import), nameof(LegalBasis.LegitimateInterest)), (row.StatusValue(), row.Source, row.LegalBasis));
        Assert.Equal("Annuaire des coordinateurs 2025 (import du 10 mars 2026)", row.SourceDetail);
        Assert.Equal(nameof(SubscriberSource.Form), (await h.SubscriberAsync("deja@example.org"))!.Source); // left as it was
        Assert.Empty(h.To("helene@example.org")); // no e-mail until the first newsletter
    }

    [Fact]
    public async Task AnImportNeedsAnAddressColumnAndASource()
    {
        using var h = Harness();
        var utf16 = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("courriel\r\nutf16@example.org\r\n")).ToArray();

        var noColumn = await h.Get<SubscriberImport>().ImportAsync("nom;prenom\nA;B\n"u8.ToArray(), "", Actor.Staff);
        var utf16Import = await h.Get<SubscriberImport>().ImportAsync(utf16, "Liste", Actor.Staff);

        Assert.Equal(["source", "file"], noColumn.Errors.Keys.Order(StringComparer.Ordinal).Reverse());
        Assert.Equal(("UTF-16", 1), (utf16Import.Value!.Encoding, utf16Import.Value.Added));
    }

    [Fact]
    public async Task StaffListSearchAndExportForFrenchExcel()
    {
        using var h = Harness();
        await h.ImportAsync(["alice@example.org", "bob@example.org", "=cmd@example.org"]);
        await h.Subscriptions.SubscribeAsync(new SubscriptionInput("carole@example.org", true));
        var admin = h.Get<SubscriberAdministration>();

        var all = (await admin.ListAsync(new SubscriberQuery())).Value!;
        var search = (await admin.ListAsync(new SubscriberQuery("BOB"))).Value!;
        var pending = (await admin.ListAsync(new SubscriberQuery(Status: SubscriberStatus.Pending))).Value!;
        var csv = await admin.ExportCsvAsync();

        Assert.Equal(4, all.Total);
        Assert.Equal(3, all.Counts[SubscriberStatus.Active]);
        Assert.Equal("bob@example.org", Assert.Single(search.Items).Email);
        Assert.Equal("carole@example.org", Assert.Single(pending.Items).Email);
        Assert.Equal([0xEF, 0xBB, 0xBF], csv[..3]);
        var lines = Encoding.UTF8.GetString(csv, 3, csv.Length - 3).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("E-mail;Statut;Origine;Détail de l'origine;Base légale;Créé le;Consentement le;Version du consentement;Dernière interaction", lines[0]);
        Assert.StartsWith("alice@example.org;abonné;import;Annuaire de test", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("\"'=cmd@example.org\"", lines[1], StringComparison.Ordinal); // a formula is not run by Excel
        Assert.Equal(ResultKind.Invalid, (await admin.ListAsync(new SubscriberQuery(Take: 0))).Kind);
    }
}
