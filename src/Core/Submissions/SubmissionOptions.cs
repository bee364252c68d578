using System.ComponentModel.DataAnnotations;

namespace Microstructures.Core.Submissions;

// Settings "Submissions__…". The worker's web server stops request bodies at 30,000,000 bytes: the
// default stays below it.
public sealed class SubmissionOptions
{
    public const string SectionName = "Submissions";

    [Range(1_000, 30_000_000)]
    public int MaxBytes { get; set; } = 20_000_000;

    [Range(1, 200_000)]
    public int MaxRows { get; set; } = 50_000;

    // A receipt still queued after this long (its message lost in a crash between the receipt and the
    // queue) is queued again by RequeueStaleAsync.
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan RequeueAfter { get; set; } = TimeSpan.FromMinutes(10);
}
