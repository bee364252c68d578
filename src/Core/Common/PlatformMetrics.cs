using System.Diagnostics.Metrics;

namespace Microstructures.Core.Common;

// The platform's own metrics, recorded where the events happen. The worker exports the meter to
// Application Insights (customMetrics: name = the instrument's name, customDimensions = its tags) when
// telemetry is on; the alerts of infra/modules/alerts.bicep query EmailsFailed and PoisonQueueLength
// by these exact names and the tag "queue". Tags take a small fixed set of values (statuses, e-mail
// categories, queue names): never an id, an address or a pseudonym.
public sealed class PlatformMetrics
{
    public const string MeterName = "Microstructures";

    private readonly Counter<long> _registrations;
    private readonly Counter<long> _emailsSent;
    private readonly Counter<long> _emailsFailed;
    private readonly Counter<long> _remindersSent;
    private readonly Counter<long> _submissionsProcessed;
    private readonly Gauge<long> _poisonQueueLength;

    public PlatformMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _registrations = meter.CreateCounter<long>("Registrations", "{registration}", "Registrations taken, by status (confirmed or waitlisted)");
        _emailsSent = meter.CreateCounter<long>("EmailsSent", "{email}", "E-mails the provider accepted, by category");
        _emailsFailed = meter.CreateCounter<long>("EmailsFailed", "{email}", "E-mails given up (refused by the provider, or failing past the attempt limit), by category");
        _remindersSent = meter.CreateCounter<long>("RemindersSent", "{reminder}", "Forfait renewal reminders sent in a digest, by digest kind (microstructure or network)");
        _submissionsProcessed = meter.CreateCounter<long>("SubmissionsProcessed", "{submission}", "Activity data submissions processed, by kind and outcome (accepted or rejected)");
        _poisonQueueLength = meter.CreateGauge<long>("PoisonQueueLength", "{message}", "Approximate number of messages in each -poison queue, by queue");
    }

    public void RegistrationTaken(string status) =>
        _registrations.Add(1, new KeyValuePair<string, object?>("status", status.ToLowerInvariant()));

    public void EmailsSent(string? category, int count = 1)
    {
        if (count > 0)
        {
            _emailsSent.Add(count, new KeyValuePair<string, object?>("category", Category(category)));
        }
    }

    public void EmailsFailed(string? category, int count = 1)
    {
        if (count > 0)
        {
            _emailsFailed.Add(count, new KeyValuePair<string, object?>("category", Category(category)));
        }
    }

    public void RemindersSent(string digestKind, int count)
    {
        if (count > 0)
        {
            _remindersSent.Add(count, new KeyValuePair<string, object?>("kind", digestKind.ToLowerInvariant()));
        }
    }

    public void SubmissionProcessed(string kind, string outcome) =>
        _submissionsProcessed.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", outcome.ToLowerInvariant()));

    public void PoisonQueueLength(string queue, long count) =>
        _poisonQueueLength.Record(count, new KeyValuePair<string, object?>("queue", queue));

    private static string Category(string? category) => string.IsNullOrEmpty(category) ? "other" : category;
}
