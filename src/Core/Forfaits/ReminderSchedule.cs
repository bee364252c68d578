using System.Globalization;
using Microstructures.Core.ReferenceData;

namespace Microstructures.Core.Forfaits;

// The reminders a period needs, fixed when it opens: one per lead time to the microstructure, and the
// escalation to the network.
public static class ReminderSchedule
{
    public static IReadOnlyList<ReminderKey> Keys(ForfaitEntity forfait)
    {
        ArgumentNullException.ThrowIfNull(forfait);
        return ForfaitStore.ReadLeadTimes(forfait).Select(d => new ReminderKey(forfait.ForfaitId, forfait.Period, ReminderKind.Microstructure, d))
            .Append(new ReminderKey(forfait.ForfaitId, forfait.Period, ReminderKind.Escalation, forfait.EscalationDays))
            .ToList();
    }

    public static IReadOnlyList<DueReminderEntity> Rows(ForfaitEntity forfait, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(forfait);
        var end = OrgDates.Parse(forfait.PeriodEnd);
        return Keys(forfait).Select(key => new DueReminderEntity
        {
            PartitionKey = OrgDates.ToText(ForfaitPeriods.DueDate(end, key.Days)),
            RowKey = key.Text,
            ForfaitId = forfait.ForfaitId,
            MicrostructureId = forfait.MicrostructureId,
            NetworkId = forfait.NetworkId,
            Period = forfait.Period,
            Kind = key.Kind.ToString(),
            Days = key.Days,
            EndDate = forfait.PeriodEnd,
            CreatedAt = now,
        }).ToList();
    }

    public static string LeadTimesText(IEnumerable<int> days) => string.Join(',', days.Select(d => d.ToString(CultureInfo.InvariantCulture)));
}
