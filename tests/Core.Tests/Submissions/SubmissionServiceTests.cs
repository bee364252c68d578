using System.Text;
using Microstructures.Core.Common;
using Microstructures.Core.Indicators;
using Microstructures.Core.Submissions;
using Microstructures.TestSupport;
using static Microstructures.Core.Tests.Submissions.SubmissionHarness;

namespace Microstructures.Core.Tests.Submissions;

public sealed class SubmissionServiceTests(Azurite azurite) : IClassFixture<Azurite>
{
    private const SubmissionKind Fiches = SubmissionKind.PatientFiches;

    private async Task<SubmissionHarness> StartAsync()
    {
        var h = new SubmissionHarness(azurite.IsolatedConnectionString());
        await h.SeedTreeAsync();
        return h;
    }

    private static Sheet ThreeFiches() => new Sheet(Fiches)
        .Add(Sheet.Fiche(A1, "PAT-01", 1980, "female"))
        .Add(Sheet.Fiche(A1, "PAT-02", 1990, "male"))
        .Add(Sheet.Fiche(A2, "PAT-03", 1970, "female"));

    private static async Task<PeriodFacts?> YearFactsAsync(SubmissionHarness h, string networkId, string microstructureId) =>
        (await h.Get<FactsStore>().GetAsync(2025, networkId, microstructureId))?.YearFacts;

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task AFileHoldingIdentifyingDataIsRefusedWholeAndNothingOfItIsStored(bool json, bool dryRun)
    {
        using var h = await StartAsync();
        await h.SubmitOkAsync(NetworkA, Fiches, "2025", new Sheet(Fiches).Add(Sheet.Fiche(A1, "PAT-09")).CsvUtf8(), "text/csv");
        await h.ProcessQueueAsync();
        var before = await h.SnapshotAsync();
        var sheet = ThreeFiches().Add(Sheet.Fiche(A2, "PAT-04"), r => r["income"] = "185027512345625");

        var result = await h.SubmitAsync(NetworkA, Fiches, "2025", json ? sheet.JsonUtf8() : sheet.CsvUtf8(), json ? "application/json" : "text/csv", dryRun);

        Assert.Equal(ResultKind.Invalid, result.Kind);
        Assert.Equal(
            [
                json ? "Élément 3, champ « income » : ressemble à un numéro de sécurité sociale. Les données identifiantes d'un patient sont refusées."
                    : "Ligne 5, colonne « ressources » : ressemble à un numéro de sécurité sociale. Les données identifiantes d'un patient sont refusées.",
                "Le fichier a été refusé en entier : rien n'a été enregistré.",
            ],
            result.Errors["content"]);
        Assert.Equal(before, await h.SnapshotAsync());
    }

    [Fact]
    public async Task AnAcceptedFileIsStoredQueuedByIdsThenAcceptedWithItsCounts()
    {
        using var h = await StartAsync();
        var sheet = ThreeFiches().Add(Sheet.Fiche(A1, "PAT-04"), r => r["sex"] = "?");

        var receipt = await h.SubmitOkAsync(NetworkA, Fiches, "2025", sheet.CsvUtf8(), "text/csv");

        Assert.Equal((ReceiptStatus.Queued, 4, 1, (int?)null), (receipt.Status, receipt.Rows, receipt.Rejected, receipt.Imported));
        Assert.Equal([(5, "sexe")], receipt.Errors.Select(e => (e.Line, e.Field)));
        var blob = await h.Get<RawSubmissionStore>().ReadAsync(RawSubmissionStore.RawBlobName(NetworkA, receipt.ContentSha256));
        Assert.Equal(sheet.CsvUtf8(), blob);
        // As stored: Base64 of a small JSON of ids, what the Functions host expects.
        var wire = new Azure.Storage.Queues.QueueClient(h.ConnectionString, ComputeIndicatorsMessage.QueueName);
        var raw = Assert.Single((await wire.PeekMessagesAsync(10)).Value);
        Assert.Equal($$"""{"networkId":"{{NetworkA}}","receiptId":"{{receipt.ReceiptId}}"}""", Encoding.UTF8.GetString(Convert.FromBase64String(raw.MessageText.Trim())));

        await h.ProcessQueueAsync();

        var accepted = (await h.Submissions.GetReceiptAsync(NetworkA, receipt.ReceiptId, Network(NetworkA))).Value!;
        Assert.Equal((ReceiptStatus.Accepted, 3, 0, 0, 1), (accepted.Status, accepted.Imported, accepted.Updated, accepted.Ignored, accepted.Rejected));
        Assert.Equal(new RowError(5, "sexe", "Valeur inconnue pour « Sexe » : choisissez parmi female (Femme), male (Homme)."), Assert.Single(accepted.Errors));
        Assert.Equal(2, (await YearFactsAsync(h, NetworkA, A1))![FactCodes.Patients]);
        Assert.Equal(1, (await YearFactsAsync(h, NetworkA, A2))![FactCodes.Patients]);
        Assert.Equal(ResultKind.NotFound, (await h.Submissions.GetReceiptAsync(NetworkA, receipt.ReceiptId, Network(NetworkB))).Kind);
    }

    [Fact]
    public async Task TheSameFileSentAgainIsRecognisedAndCountsOnce()
    {
        using var h = await StartAsync();
        var bytes = ThreeFiches().CsvUtf8();
        var first = await h.SubmitOkAsync(NetworkA, Fiches, "2025", bytes, "text/csv");
        await h.ProcessQueueAsync();
        var before = await h.SnapshotAsync();

        var again = await h.SubmitOkAsync(NetworkA, Fiches, "2025", bytes, "text/csv");

        Assert.True(again.AlreadyReceived);
        Assert.Equal((first.ReceiptId, ReceiptStatus.Accepted, 3), (again.ReceiptId, again.Status, again.Imported));
        Assert.Empty(await h.ProcessQueueAsync());
        Assert.Equal(before, await h.SnapshotAsync());
        Assert.Equal(2, (await YearFactsAsync(h, NetworkA, A1))![FactCodes.Patients]);
    }

    [Fact]
    public async Task ACorrectedFicheReplacesThePreviousOneAndTheSameDataInJsonChangesNothing()
    {
        using var h = await StartAsync();
        await h.SubmitOkAsync(NetworkA, Fiches, "2025", ThreeFiches().CsvUtf8(), "text/csv");
        await h.ProcessQueueAsync();
        h.Time.Advance(TimeSpan.FromDays(1));
        var corrected = new Sheet(Fiches)
            .Add(Sheet.Fiche(A1, "PAT-01", 1980, "male"))
            .Add(Sheet.Fiche(A1, "PAT-02", 1990, "male"))
            .Add(Sheet.Fiche(A1, "PAT-05", 1960, "female"));

        var receipt = await h.SubmitOkAsync(NetworkA, Fiches, "2025", corrected.CsvUtf8(), "text/csv");
        await h.ProcessQueueAsync();
        var json = await h.SubmitOkAsync(NetworkA, Fiches, "2025", corrected.JsonUtf8(), "application/json");
        await h.ProcessQueueAsync();

        var done = (await h.Submissions.GetReceiptAsync(NetworkA, receipt.ReceiptId, Network(NetworkA))).Value!;
        Assert.Equal((1, 1, 1), (done.Imported, done.Updated, done.Ignored));
        var again = (await h.Submissions.GetReceiptAsync(NetworkA, json.ReceiptId, Network(NetworkA))).Value!;
        Assert.Equal((0, 0, 3), (again.Imported, again.Updated, again.Ignored));
        var a1 = (await YearFactsAsync(h, NetworkA, A1))!;
        Assert.Equal((3L, 1L, 2L), (a1[FactCodes.Patients], a1[FactCodes.Sex("female")], a1[FactCodes.Sex("male")]));
    }

    [Fact]
    public async Task ADryRunAnswersTheWouldBeReceiptAndStoresNothing()
    {
        using var h = await StartAsync();
        await h.SubmitOkAsync(NetworkA, Fiches, "2025", ThreeFiches().CsvUtf8(), "text/csv");
        await h.ProcessQueueAsync();
        var before = await h.SnapshotAsync();
        h.Time.Advance(TimeSpan.FromHours(1));
        var sheet = new Sheet(Fiches).Add(Sheet.Fiche(A1, "PAT-01", 1980, "male")).Add(Sheet.Fiche(A1, "PAT-02", 1990, "male")).Add(Sheet.Fiche(A1, "PAT-04")).Add(Sheet.Fiche(B1, "PAT-05"));

        var result = await h.SubmitAsync(NetworkA, Fiches, "2025", sheet.CsvUtf8(), "text/csv", dryRun: true);

        var receipt = result.Value!;
        Assert.True(receipt.DryRun);
        Assert.Equal((ReceiptStatus.Queued, 4, 1, 1, 1, 1), (receipt.Status, receipt.Rows, receipt.Imported, receipt.Updated, receipt.Ignored, receipt.Rejected));
        Assert.Equal(before, await h.SnapshotAsync());
    }

    [Fact]
    public async Task ANetworkCannotSubmitForAnotherNetworksMicrostructure()
    {
        using var h = await StartAsync();
        var sheet = new Sheet(Fiches).Add(Sheet.Fiche(B1, "PAT-01")).Add(Sheet.Fiche(B1, "PAT-02"));

        var receipt = await h.SubmitOkAsync(NetworkA, Fiches, "2025", sheet.CsvUtf8(), "text/csv");
        var elsewhere = await h.Submissions.AcceptAsync(new SubmissionRequest(NetworkB, Fiches.Slug(), "2025", sheet.CsvUtf8(), "text/csv"), Network(NetworkA));

        Assert.Equal((ReceiptStatus.Rejected, 2), (receipt.Status, receipt.Rejected));
        Assert.All(receipt.Errors, e => Assert.Equal("La microstructure « cabinet-b1 » n'appartient pas à votre réseau : seules vos microstructures sont acceptées.", e.Reason));
        Assert.Empty(await h.ProcessQueueAsync());
        Assert.Null(await YearFactsAsync(h, NetworkB, B1));
        Assert.Equal(ResultKind.NotFound, elsewhere.Kind);
    }

    [Fact]
    public async Task RequestErrorsAreNamedByParameter()
    {
        using var h = await StartAsync();
        var bytes = ThreeFiches().CsvUtf8();

        var bad = await h.Submissions.AcceptAsync(new SubmissionRequest(NetworkA, "fiches", "25", bytes, "text/csv"), Network(NetworkA));
        var future = await h.Submissions.AcceptAsync(new SubmissionRequest(NetworkA, Fiches.Slug(), "2027", bytes, "text/csv"), Network(NetworkA));

        Assert.Equal(["kind", "period"], bad.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("La période 2027 n'a pas encore commencé.", Assert.Single(future.Errors["period"]));
    }

    [Fact]
    public async Task AComputeMessageProcessedTwiceChangesNothing()
    {
        using var h = await StartAsync();
        await h.SubmitOkAsync(NetworkA, Fiches, "2025", ThreeFiches().CsvUtf8(), "text/csv");
        var texts = await h.ProcessQueueAsync();
        var before = await h.SnapshotAsync();

        await h.Computation.ProcessAsync(Assert.Single(texts));
        await h.Computation.ProcessAsync(texts[0]);

        Assert.Equal(before, await h.SnapshotAsync());
    }

    [Fact]
    public async Task AMessageRetriedAfterACrashBeforeTheReceiptWasMarkedCountsTheSame()
    {
        using var h = await StartAsync();
        var receipt = await h.SubmitOkAsync(NetworkA, Fiches, "2025", ThreeFiches().CsvUtf8(), "text/csv");
        var entity = (await h.Get<ReceiptStore>().GetAsync(NetworkA, receipt.ReceiptId))!;
        // The rows written, then the crash: the receipt is still queued.
        await h.Get<SubmissionDataStore>().ApplyAsync(NetworkA, Fiches, SubmissionPeriod.OfYear(2025), Vocabularies.Version,
            (await h.Get<SubmissionParser>().ParseAsync(NetworkA, Fiches, SubmissionPeriod.OfYear(2025), ThreeFiches().CsvUtf8(), "text/csv", 100)).Parsed!.Validated.Rows,
            entity.RowKey, entity.ReceivedAt);

        await h.ProcessQueueAsync();

        var done = (await h.Submissions.GetReceiptAsync(NetworkA, receipt.ReceiptId, Network(NetworkA))).Value!;
        Assert.Equal((ReceiptStatus.Accepted, 3, 0, 0), (done.Status, done.Imported, done.Updated, done.Ignored));
    }

    [Fact]
    public async Task SubmissionsComputedConcurrentlyForOneNetworkAndOneMicrostructureAllCount()
    {
        using var h = await StartAsync();
        using var other = new SubmissionHarness(h.ConnectionString, h.Time);
        const int Rounds = 4;
        for (var round = 0; round < Rounds; round++)
        {
            // Three files at once: two for A1 (different patients), one for A2.
            var files = new[] { (A1, "X"), (A1, "Y"), (A2, "Z") }.Select(f => new Sheet(Fiches)
                .Add(Sheet.Fiche(f.Item1, $"{f.Item2}-{round}1"))
                .Add(Sheet.Fiche(f.Item1, $"{f.Item2}-{round}2")).CsvUtf8()).ToList();
            foreach (var file in files)
            {
                await h.SubmitOkAsync(NetworkA, Fiches, "2025", file, "text/csv");
            }
            var queue = await h.Storage.QueueAsync(ComputeIndicatorsMessage.QueueName);
            var messages = (await queue.ReceiveMessagesAsync(10)).Value;
            Assert.Equal(3, messages.Length);
            await Task.WhenAll(messages.Select((m, i) => Task.Run(() => (i % 2 == 0 ? h : other).Computation.ProcessAsync(m.Body.ToString()))));
            foreach (var m in messages)
            {
                await queue.DeleteMessageAsync(m.MessageId, m.PopReceipt);
            }
        }

        Assert.Equal(Rounds * 4, (await YearFactsAsync(h, NetworkA, A1))![FactCodes.Patients]);
        Assert.Equal(Rounds * 2, (await YearFactsAsync(h, NetworkA, A2))![FactCodes.Patients]);
    }

    [Fact]
    public async Task TenThousandRowsAreAcceptedAndComputed()
    {
        using var h = await StartAsync();
        var csv = new StringBuilder("microstructure_id;pseudonyme;annee_naissance;sexe;date_inclusion;experimentation;motif_principal;produit_principal\r\n");
        for (var i = 0; i < 10_000; i++)
        {
            csv.Append(i % 2 == 0 ? A1 : A2).Append(";P-").Append(i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture))
                .Append(';').Append(1950 + (i % 50)).Append(i % 3 == 0 ? ";male" : ";female").Append(";2025-01-15;none;addiction;alcohol\r\n");
        }

        var receipt = await h.SubmitOkAsync(NetworkA, Fiches, "2025", Utf8Bom(csv.ToString()), "text/csv");
        await h.ProcessQueueAsync();

        Assert.Equal((10_000, 0), (receipt.Rows, receipt.Rejected));
        var done = (await h.Submissions.GetReceiptAsync(NetworkA, receipt.ReceiptId, Network(NetworkA))).Value!;
        Assert.Equal(10_000, done.Imported);
        Assert.Equal(5_000, (await YearFactsAsync(h, NetworkA, A1))![FactCodes.Patients]);
        Assert.Equal(5_000, (await YearFactsAsync(h, NetworkA, A2))![FactCodes.NewInclusions]);
        Assert.Equal(10_000, (await h.AllRowsAsync(SubmissionDataStore.TableName)).Count);
    }
}
