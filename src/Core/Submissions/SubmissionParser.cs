using Microstructures.Core.ReferenceData;

namespace Microstructures.Core.Submissions;

public sealed record ParsedSubmission(RawSubmission File, ValidatedSubmission Validated)
{
    public string VocabularyVersion => File.VocabularyVersion ?? Vocabularies.Version;
}

// Bytes to validated rows, the same way when a network sends a file and when the queue or a rebuild
// reads it back from its blob: the file-level reading (SubmissionReader), then the row rules against
// the org tree as it is now (SubmissionValidation).
public sealed class SubmissionParser(OrgTreeStore orgTree)
{
    public async Task<(ParsedSubmission? Parsed, IReadOnlyList<string> Refusals)> ParseAsync(
        string networkId, SubmissionKind kind, SubmissionPeriod period, byte[] content, string? contentType, int maxRows, CancellationToken cancellationToken = default)
    {
        var (file, refusals) = SubmissionReader.Read(content, contentType, kind, period, maxRows);
        if (file is null)
        {
            return (null, refusals);
        }
        var own = (await orgTree.ListMicrostructuresAsync(networkId, cancellationToken))
            .Select(OrgTreeService.ToModel)
            .ToDictionary(m => m.Id, StringComparer.Ordinal);
        var others = new HashSet<string>(StringComparer.Ordinal);
        var named = file.Rows.Select(r => r.Values.GetValueOrDefault("microstructureId")?.Text.Trim().ToLowerInvariant() ?? "")
            .Where(id => id.Length > 0 && !own.ContainsKey(id) && Slugs.IsValid(id))
            .Distinct(StringComparer.Ordinal);
        foreach (var id in named)
        {
            if (await orgTree.FindNetworkOfMicrostructureAsync(id, cancellationToken) is not null)
            {
                others.Add(id);
            }
        }
        var validated = SubmissionValidation.Validate(file, kind, new SubmissionContext(networkId, period, own, others));
        return (new ParsedSubmission(file, validated), []);
    }
}
