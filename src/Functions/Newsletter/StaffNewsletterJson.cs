using Microstructures.Core.Newsletter;

namespace Microstructures.Functions.Newsletter;

// What the staff API answers: months as "yyyy-MM" with their French label, states by name with their
// French label (the staff page shows the label, its script compares the name).
public static class StaffNewsletterJson
{
    public static object Summary(IssueSummary s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new { month = s.Month.ToString(), label = s.Month.Label, s.Subject, status = s.Status.ToString(), statusLabel = Label(s.Status), s.UpdatedAt, s.SentAt };
    }

    public static object Issue(Issue i)
    {
        ArgumentNullException.ThrowIfNull(i);
        return new { month = i.Month.ToString(), label = i.Month.Label, i.Subject, i.Body, status = i.Status.ToString(), statusLabel = Label(i.Status), i.CreatedAt, i.UpdatedAt, i.ReadyAt, i.SendingAt, i.SentAt };
    }

    public static object Progress(CampaignProgress p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new
        {
            month = p.Month.ToString(), status = p.Status.ToString(), p.Subject, p.Recipients, p.Sent, p.Pending, p.Failed, p.Skipped,
            p.Batches, p.BatchesDone, p.StartedAt, p.PlannedAt, p.CompletedAt,
        };
    }

    public static object Subscribers(SubscriberPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return new
        {
            page.Total,
            counts = page.Counts.ToDictionary(c => c.Key.ToString(), c => c.Value, StringComparer.Ordinal),
            items = page.Items.Select(s => new
            {
                s.Email, status = s.Status.ToString(), statusLabel = SubscriberAdministration.StatusLabel(s.Status),
                source = SubscriberAdministration.SourceLabel(s.Source), s.SourceDetail, s.CreatedAt, s.ConsentAt, s.LastInteractionAt,
            }),
        };
    }

    public static string Label(IssueStatus status) => status switch
    {
        IssueStatus.Draft => "brouillon",
        IssueStatus.Ready => "prête pour l'envoi",
        IssueStatus.Sending => "en cours d'envoi",
        _ => "envoyée",
    };
}
