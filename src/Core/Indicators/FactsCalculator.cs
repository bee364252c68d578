using Microstructures.Core.Submissions;

namespace Microstructures.Core.Indicators;

// Computes a microstructure's facts for a year and its months from the rows it sent for that year —
// always from all of them, never by adding to previous facts, so computing twice gives the same facts.
// - A month's facts: the fiches and activity sent for that month.
// - The year's facts: per patient (pseudonym), the fiche sent for the year when there is one; otherwise
//   the monthly fiches merged (answers of the latest month, acts summed, screenings and disorders
//   united, vaccinated if in any month): a patient counts once in the year however many months hold them.
//   Activity: the year's row when there is one, else the sum of the monthly rows.
public static class FactsCalculator
{
    public sealed record MicrostructureYear(PeriodFacts? Year, IReadOnlyDictionary<int, PeriodFacts> Months);

    public static MicrostructureYear Compute(int year, IEnumerable<SubmissionRowEntity> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var annualFiches = new Dictionary<string, (PatientFiche Fiche, DateTimeOffset First)>(StringComparer.Ordinal);
        var monthlyFiches = new Dictionary<int, List<(PatientFiche Fiche, DateTimeOffset First)>>();
        MicrostructureActivity? annualActivity = null;
        DateTimeOffset? annualActivityAt = null;
        var monthlyActivity = new Dictionary<int, (MicrostructureActivity Activity, DateTimeOffset First)>();
        foreach (var row in rows)
        {
            var period = SubmissionPeriod.Parse(row.Period);
            if (period.Year != year)
            {
                continue;
            }
            if (row.Kind == SubmissionKinds.PatientFichesSlug)
            {
                var fiche = SubmissionRowJson.Fiche(row.Data);
                if (period.Month is { } m)
                {
                    (monthlyFiches.TryGetValue(m, out var list) ? list : monthlyFiches[m] = []).Add((fiche, row.FirstReceivedAt));
                }
                else
                {
                    annualFiches[fiche.Pseudonym] = (fiche, row.FirstReceivedAt);
                }
            }
            else if (period.Month is { } m)
            {
                monthlyActivity[m] = (SubmissionRowJson.Activity(row.Data), row.FirstReceivedAt);
            }
            else
            {
                annualActivity = SubmissionRowJson.Activity(row.Data);
                annualActivityAt = row.FirstReceivedAt;
            }
        }

        var months = new SortedDictionary<int, PeriodFacts>();
        foreach (var m in monthlyFiches.Keys.Union(monthlyActivity.Keys))
        {
            var facts = new PeriodFacts();
            var period = new SubmissionPeriod(year, m);
            if (monthlyFiches.TryGetValue(m, out var fiches))
            {
                foreach (var (fiche, _) in fiches)
                {
                    AddFiche(facts, fiche, period);
                }
                facts.FichesReceivedAt = fiches.Min(f => f.First);
            }
            if (monthlyActivity.TryGetValue(m, out var activity))
            {
                AddActivity(facts, activity.Activity);
                facts.ActivityReceivedAt = activity.First;
            }
            months[m] = facts;
        }

        var yearFacts = new PeriodFacts();
        var yearPeriod = SubmissionPeriod.OfYear(year);
        var byPatient = monthlyFiches.OrderBy(p => p.Key).SelectMany(p => p.Value).GroupBy(f => f.Fiche.Pseudonym, StringComparer.Ordinal)
            .Where(g => !annualFiches.ContainsKey(g.Key))
            .Select(g => (Fiche: Merge(g.Select(f => f.Fiche).ToList()), First: g.Min(f => f.First)));
        var yearFiches = annualFiches.Values.Concat(byPatient).ToList();
        foreach (var (fiche, _) in yearFiches)
        {
            AddFiche(yearFacts, fiche, yearPeriod);
        }
        if (yearFiches.Count > 0)
        {
            yearFacts.FichesReceivedAt = yearFiches.Min(f => f.First);
        }
        if (annualActivity is not null)
        {
            AddActivity(yearFacts, annualActivity);
            yearFacts.ActivityReceivedAt = annualActivityAt;
        }
        else if (monthlyActivity.Count > 0)
        {
            foreach (var (activity, _) in monthlyActivity.Values)
            {
                AddActivity(yearFacts, activity);
            }
            yearFacts.ActivityReceivedAt = monthlyActivity.Values.Min(a => a.First);
        }
        var hasYear = yearFacts.HasFiches || yearFacts.HasActivity;
        return new MicrostructureYear(hasYear ? yearFacts : null, months);
    }

    // A patient's months, oldest first, as one fiche for the year.
    private static PatientFiche Merge(IReadOnlyList<PatientFiche> months)
    {
        var latest = months[^1];
        static int? Sum(IEnumerable<int?> values) => values.Any(v => v is not null) ? values.Sum(v => v ?? 0) : null;
        static IReadOnlyList<string> Union(IEnumerable<IReadOnlyList<string>> lists, Vocabulary vocabulary)
        {
            var all = lists.SelectMany(l => l).ToHashSet(StringComparer.Ordinal);
            return vocabulary.Codes.Where(all.Contains).ToList();
        }
        return latest with
        {
            Disorders = Union(months.Select(f => f.Disorders), Vocabularies.Disorder),
            Screenings = Union(months.Select(f => f.Screenings), Vocabularies.Screening),
            HbvVaccinated = months.Any(f => f.HbvVaccinated == true) ? true : latest.HbvVaccinated,
            ActsGp = Sum(months.Select(f => f.ActsGp)),
            ActsPsychologist = Sum(months.Select(f => f.ActsPsychologist)),
            ActsSocialWorker = Sum(months.Select(f => f.ActsSocialWorker)),
            ActsPsychiatrist = Sum(months.Select(f => f.ActsPsychiatrist)),
        };
    }

    public static void AddFiche(PeriodFacts facts, PatientFiche fiche, SubmissionPeriod period)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(fiche);
        facts.Add(FactCodes.Patients);
        if (period.Contains(fiche.InclusionDate))
        {
            facts.Add(FactCodes.NewInclusions);
        }
        facts.Add(FactCodes.Sex(fiche.Sex));
        var age = period.Year - fiche.BirthYear;
        facts.Add(FactCodes.AgeN);
        facts.Add(FactCodes.AgeSum, age);
        facts.Add(FactCodes.AgeSumOfSquares, (long)age * age);
        facts.Add(FactCodes.AgeBand(FactCodes.AgeBands.First(b => age >= b.Min && age <= b.Max).Code));
        facts.Add(FactCodes.Experiment(fiche.Experiment));
        facts.Add(FactCodes.MainReason(fiche.MainReason));
        foreach (var reason in fiche.AllReasons.Distinct(StringComparer.Ordinal))
        {
            facts.Add(FactCodes.AnyReason(reason));
        }
        facts.Add(FactCodes.MainSubstance(fiche.MainSubstance ?? FactCodes.Unknown));
        foreach (var substance in fiche.AllSubstances.Distinct(StringComparer.Ordinal))
        {
            facts.Add(FactCodes.AnySubstance(substance));
        }
        facts.Add(FactCodes.PolyUse(YesNo(fiche.PolyUse)));
        foreach (var disorder in fiche.Disorders)
        {
            facts.Add(FactCodes.Disorder(disorder));
        }
        if (fiche.Disorders.Count > 0)
        {
            facts.Add(FactCodes.AnyDisorder);
        }
        facts.Add(FactCodes.Housing(YesNo(fiche.StableHousing)));
        facts.Add(FactCodes.Income(fiche.Income ?? FactCodes.Unknown));
        facts.Add(FactCodes.HealthRights(YesNo(fiche.HealthRightsProblems)));
        foreach (var screening in fiche.Screenings)
        {
            facts.Add(FactCodes.Screened(screening));
        }
        facts.Add(FactCodes.HbvVaccinated(YesNo(fiche.HbvVaccinated)));
        facts.Add(FactCodes.HcvTreatment(fiche.HcvTreatment ?? FactCodes.Unknown));
        foreach (var (profession, acts) in new[] { ("gp", fiche.ActsGp), ("psychologist", fiche.ActsPsychologist), ("social-worker", fiche.ActsSocialWorker), ("psychiatrist", fiche.ActsPsychiatrist) })
        {
            if (acts > 0)
            {
                facts.Add(FactCodes.SeenBy(profession));
            }
        }
    }

    public static void AddActivity(PeriodFacts facts, MicrostructureActivity activity)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(activity);
        facts.Add(FactCodes.Acts("gp"), activity.ActsGp ?? 0);
        facts.Add(FactCodes.Acts("psychologist"), activity.ActsPsychologist ?? 0);
        facts.Add(FactCodes.Acts("social-worker"), activity.ActsSocialWorker ?? 0);
        facts.Add(FactCodes.Acts("psychiatrist"), activity.ActsPsychiatrist ?? 0);
        facts.Add(FactCodes.CaseReviewMeetings, activity.CaseReviewMeetings ?? 0);
        facts.Add(FactCodes.Screenings("hiv"), activity.ScreeningsHiv ?? 0);
        facts.Add(FactCodes.Screenings("hcv"), activity.ScreeningsHcv ?? 0);
        facts.Add(FactCodes.Screenings("hbv"), activity.ScreeningsHbv ?? 0);
        facts.Add(FactCodes.HbvVaccinations, activity.HbvVaccinations ?? 0);
        facts.Add(FactCodes.HcvTreatmentsStarted, activity.HcvTreatmentsStarted ?? 0);
        facts.Add(FactCodes.HcvTreatmentsContinued, activity.HcvTreatmentsContinued ?? 0);
        facts.Add(FactCodes.Fibroscan, activity.FibroscanActs ?? 0);
    }

    private static string YesNo(bool? value) => value switch
    {
        true => "yes",
        false => "no",
        null => FactCodes.Unknown,
    };
}
