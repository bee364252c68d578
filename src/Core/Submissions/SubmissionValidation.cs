using System.Globalization;
using Microstructures.Core.ReferenceData;

namespace Microstructures.Core.Submissions;

// What the rules need to know of the org tree: the submitting network's microstructures, and which other
// ids exist elsewhere (to say "not yours" rather than "unknown").
public sealed record SubmissionContext(
    string NetworkId, SubmissionPeriod Period, IReadOnlyDictionary<string, Microstructure> OwnMicrostructures, IReadOnlySet<string> OtherNetworksMicrostructures);

public sealed record ValidatedSubmission(IReadOnlyList<ValidRow> Rows, IReadOnlyList<RowError> Errors, int RejectedRows);

// The row rules, in the DHIS2 spirit: each error names the row, the field and the reason in French, and
// rejects its row only. Rules: required fields; codes in the vocabularies; a birth year making an age of
// 12 to 110 in the period; an inclusion date not after the period's end; the main reason or substance
// not repeated among the others; a total equal to its parts where a total is given; a microstructure of
// the submitting network, open during the period; one fiche per pseudonym and microstructure (one
// activity row per microstructure) in a file.
public static class SubmissionValidation
{
    public const int MinAge = 12;
    public const int MaxAge = 110;
    public static readonly DateOnly EarliestInclusion = new(1990, 1, 1);

    public static ValidatedSubmission Validate(RawSubmission file, SubmissionKind kind, SubmissionContext context)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(context);
        var rows = new List<ValidRow>();
        var errors = new List<RowError>();
        var rejected = 0;
        var firstLine = new Dictionary<(string, string), int>();
        foreach (var raw in file.Rows)
        {
            var row = new RowReader(raw, kind, file.Format);
            var microstructureId = Microstructure(row, context);
            var valid = kind == SubmissionKind.PatientFiches ? Fiche(row, context, microstructureId) : Activity(row, microstructureId);
            if (valid is not null && row.Errors.Count == 0)
            {
                if (firstLine.TryGetValue((valid.MicrostructureId, valid.Key), out var first))
                {
                    row.Error(kind == SubmissionKind.PatientFiches ? "pseudonym" : "microstructureId", kind == SubmissionKind.PatientFiches
                        ? SubmissionMessages.DuplicateFiche(file.Where(first))
                        : SubmissionMessages.DuplicateActivity(file.Where(first)));
                }
                else
                {
                    firstLine[(valid.MicrostructureId, valid.Key)] = raw.Line;
                    rows.Add(valid);
                    continue;
                }
            }
            rejected++;
            errors.AddRange(row.Errors);
        }
        return new ValidatedSubmission(rows, errors, rejected);
    }

    private static string? Microstructure(RowReader row, SubmissionContext context)
    {
        var id = row.Text("microstructureId")?.ToLowerInvariant();
        if (id is null)
        {
            return null;
        }
        if (!context.OwnMicrostructures.TryGetValue(id, out var microstructure))
        {
            row.Error("microstructureId", context.OtherNetworksMicrostructures.Contains(id)
                ? SubmissionMessages.OtherNetworkMicrostructure(id)
                : SubmissionMessages.UnknownMicrostructure(id));
            return null;
        }
        var opened = OrgDates.Parse(microstructure.OpenedOn);
        var closed = microstructure.ClosedOn is { } c ? OrgDates.Parse(c) : (DateOnly?)null;
        if (opened > context.Period.End || closed < context.Period.Start)
        {
            row.Error("microstructureId", SubmissionMessages.MicrostructureNotOpen(id, context.Period));
            return null;
        }
        return id;
    }

    private static ValidRow? Fiche(RowReader row, SubmissionContext context, string? microstructureId)
    {
        var period = context.Period;
        var pseudonym = row.Text("pseudonym") is { } p ? Privacy.Pseudonyms.Normalize(p) : null;
        var birthYear = row.Integer("birthYear", 0, 9999);
        if (birthYear is { } y && period.Year - y is < MinAge or > MaxAge)
        {
            row.Error("birthYear", SubmissionMessages.Age(period.Year - y, MinAge, MaxAge));
            birthYear = null;
        }
        var sex = row.Code("sex");
        var inclusion = row.Date("inclusionDate");
        if (inclusion is { } date)
        {
            if (date > period.End)
            {
                row.Error("inclusionDate", SubmissionMessages.InclusionAfterPeriod(period));
            }
            else if (date < EarliestInclusion)
            {
                row.Error("inclusionDate", SubmissionMessages.InclusionTooEarly(EarliestInclusion));
            }
            else if (birthYear is { } born && date.Year < born)
            {
                row.Error("inclusionDate", SubmissionMessages.InclusionBeforeBirth);
            }
        }
        var experiment = row.Code("experiment");
        var mainReason = row.Code("mainReason");
        var otherReasons = row.Codes("otherReasons");
        if (mainReason is not null && otherReasons.Contains(mainReason))
        {
            row.Error("otherReasons", SubmissionMessages.MainRepeated(row.FieldName("mainReason")));
        }
        var mainSubstance = row.Code("mainSubstance");
        var otherSubstances = row.Codes("otherSubstances");
        if (mainSubstance is not null && otherSubstances.Contains(mainSubstance))
        {
            row.Error("otherSubstances", SubmissionMessages.MainRepeated(row.FieldName("mainSubstance")));
        }
        else if (mainSubstance is null && otherSubstances.Count > 0 && !row.HasError("mainSubstance"))
        {
            row.Error("mainSubstance", SubmissionMessages.MainMissing(row.FieldName("otherSubstances")));
        }
        var polyUse = row.YesNo("polyUse");
        var disorders = row.Codes("disorders");
        var stableHousing = row.YesNo("stableHousing");
        var income = row.Code("income");
        var healthRights = row.YesNo("healthRightsProblems");
        var screenings = row.Codes("screenings");
        var hbv = row.YesNo("hbvVaccinated");
        var hcv = row.Code("hcvTreatment");
        var acts = Counts(row, SubmissionFields.FicheTotals);
        if (pseudonym is null || birthYear is null || sex is null || inclusion is null || experiment is null || mainReason is null || microstructureId is null || row.Errors.Count > 0)
        {
            return null;
        }
        var fiche = new PatientFiche(microstructureId, pseudonym, birthYear.Value, sex, inclusion.Value, experiment, mainReason, otherReasons,
            mainSubstance, otherSubstances, polyUse, disorders, stableHousing, income, healthRights, screenings, hbv, hcv,
            acts["actsGp"], acts["actsPsychologist"], acts["actsSocialWorker"], acts["actsPsychiatrist"]);
        return new ValidRow(row.Line, microstructureId, pseudonym, SubmissionRowJson.Serialize(fiche));
    }

    private static ValidRow? Activity(RowReader row, string? microstructureId)
    {
        var counts = Counts(row, SubmissionFields.ActivityTotals);
        if (row.Errors.Count == 0 && SubmissionFields.Activity.Where(f => f.Type == FieldType.Count).All(f => counts[f.Name] is null))
        {
            row.Error("microstructureId", SubmissionMessages.ActivityEmpty);
        }
        if (microstructureId is null || row.Errors.Count > 0)
        {
            return null;
        }
        var activity = new MicrostructureActivity(microstructureId, counts["actsGp"], counts["actsPsychologist"], counts["actsSocialWorker"], counts["actsPsychiatrist"],
            counts["caseReviewMeetings"], counts["screeningsHiv"], counts["screeningsHcv"], counts["screeningsHbv"], counts["hbvVaccinations"],
            counts["hcvTreatmentsStarted"], counts["hcvTreatmentsContinued"], counts["fibroscanActs"]);
        return new ValidRow(row.Line, microstructureId, "", SubmissionRowJson.Serialize(activity));
    }

    // Every count field of the row, then each total against its parts (a missing part counts as zero).
    private static Dictionary<string, int?> Counts(RowReader row, IReadOnlyList<TotalRule> totals)
    {
        var counts = row.Fields.Where(f => f.Type == FieldType.Count).ToDictionary(f => f.Name, f => row.Integer(f.Name, 0, f.Max), StringComparer.Ordinal);
        foreach (var rule in totals)
        {
            if (counts[rule.Total] is { } total && rule.Parts.All(p => !row.HasError(p)))
            {
                var sum = rule.Parts.Sum(p => counts[p] ?? 0);
                if (sum != total)
                {
                    row.Error(rule.Total, SubmissionMessages.TotalMismatch(total, sum, rule.Parts.Select(row.FieldName)));
                }
            }
        }
        return counts;
    }

    // Reads one raw row field by field, recording each error under the field's name as sent.
    private sealed class RowReader(RawRow raw, SubmissionKind kind, SubmissionFormat format)
    {
        private readonly Dictionary<string, SubmissionField> _fields = SubmissionFields.Of(kind).ToDictionary(f => f.Name, StringComparer.Ordinal);

        public List<RowError> Errors { get; } = [];
        public int Line => raw.Line;
        public IEnumerable<SubmissionField> Fields => _fields.Values;

        public string FieldName(string name) => format == SubmissionFormat.Csv ? _fields[name].Column : name;

        public void Error(string name, string reason) => Errors.Add(new RowError(raw.Line, FieldName(name), reason));

        public bool HasError(string name) => Errors.Any(e => e.Field == FieldName(name));

        public string? Text(string name)
        {
            var text = raw.Values.GetValueOrDefault(name)?.Text.Trim() ?? "";
            if (text.Length > 0)
            {
                return text;
            }
            if (_fields[name].Required)
            {
                Error(name, SubmissionMessages.Required(_fields[name]));
            }
            return null;
        }

        public int? Integer(string name, int min, int max)
        {
            if (Text(name) is not { } text)
            {
                return null;
            }
            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                Error(name, SubmissionMessages.NotInteger(_fields[name]));
                return null;
            }
            if (value < min || value > max)
            {
                Error(name, SubmissionMessages.OutOfRange(_fields[name], min, max));
                return null;
            }
            return value;
        }

        public DateOnly? Date(string name)
        {
            if (Text(name) is not { } text)
            {
                return null;
            }
            if (!OrgDates.TryParse(text, out var date))
            {
                Error(name, SubmissionMessages.NotDate(_fields[name]));
                return null;
            }
            return date;
        }

        public string? Code(string name)
        {
            var field = _fields[name];
            if (Text(name) is not { } text)
            {
                return null;
            }
            if (raw.Values[name].Items.Count > 1)
            {
                Error(name, SubmissionMessages.SingleValue(field));
                return null;
            }
            if (field.Vocabulary!.Find(text) is not { } term)
            {
                Error(name, SubmissionMessages.NotInVocabulary(field));
                return null;
            }
            return term.Code;
        }

        public List<string> Codes(string name)
        {
            var field = _fields[name];
            var items = raw.Values.GetValueOrDefault(name)?.Items ?? [];
            var codes = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in items)
            {
                if (field.Vocabulary!.Find(item) is { } term)
                {
                    codes.Add(term.Code);
                }
                else
                {
                    Error(name, SubmissionMessages.NotInVocabulary(field));
                    return [];
                }
            }
            return field.Vocabulary!.Codes.Where(codes.Contains).ToList();
        }

        public bool? YesNo(string name)
        {
            if (Text(name) is not { } text)
            {
                return null;
            }
            var value = Vocabularies.ParseYesNo(text);
            if (value is null)
            {
                Error(name, SubmissionMessages.NotYesNo(_fields[name]));
            }
            return value;
        }
    }
}
