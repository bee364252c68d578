using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microstructures.Core.Common;
using Microstructures.Core.Submissions;
using Microstructures.TestSupport;
using static Microstructures.Core.Tests.Submissions.SubmissionHarness;

namespace Microstructures.Core.Tests.Submissions;

// SubmissionsProcessed: one per file, when its rows are written (accepted) or when none could be
// (rejected), whatever the redeliveries of its compute message.
public sealed class SubmissionMetricsTests(Azurite azurite) : IClassFixture<Azurite>
{
    private const SubmissionKind Fiches = SubmissionKind.PatientFiches;

    [Fact]
    public async Task AFileIsCountedOnceAsAcceptedOrRejected()
    {
        using var h = new SubmissionHarness(azurite.IsolatedConnectionString());
        await h.SeedTreeAsync();
        using var processed = new MetricCollector<long>(h.Get<IMeterFactory>(), PlatformMetrics.MeterName, "SubmissionsProcessed");
        var good = new Sheet(Fiches).Add(Sheet.Fiche(A1, "PAT-01")).Add(Sheet.Fiche(A2, "PAT-02"));
        var foreign = new Sheet(Fiches).Add(Sheet.Fiche(B1, "PAT-03"));

        await h.SubmitOkAsync(NetworkA, Fiches, "2025", good.CsvUtf8(), "text/csv");
        var texts = await h.ProcessQueueAsync();
        await h.Computation.ProcessAsync(Assert.Single(texts));
        await h.SubmitOkAsync(NetworkA, Fiches, "2025", foreign.CsvUtf8(), "text/csv");

        Assert.Equal(
            [("patient-fiches", "accepted"), ("patient-fiches", "rejected")],
            processed.GetMeasurementSnapshot().Select(m => ((string)m.Tags["kind"]!, (string)m.Tags["outcome"]!)).Order());
        Assert.All(processed.GetMeasurementSnapshot(), m => Assert.Equal(1, m.Value));
    }
}
