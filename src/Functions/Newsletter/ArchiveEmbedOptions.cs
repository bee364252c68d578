using System.ComponentModel.DataAnnotations;

namespace Microstructures.Functions.Newsletter;

// Newsletter__ArchiveFrameAncestors: the origins (space-separated, e.g. "https://www.example.org") whose
// pages may embed the public archive in a frame. Empty: nobody, as every other page.
public sealed class ArchiveEmbedOptions : IValidatableObject
{
    public const string SectionName = "Newsletter";

    public string ArchiveFrameAncestors { get; set; } = "";

    public IReadOnlyList<string> Origins => ArchiveFrameAncestors.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var origin in Origins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme != "https" || uri.PathAndQuery != "/" || origin.EndsWith('/'))
            {
                yield return new ValidationResult(
                    $"Newsletter__ArchiveFrameAncestors holds origins separated by spaces, each https://host[:port] without a path; got '{origin}'.", [nameof(ArchiveFrameAncestors)]);
            }
        }
    }
}
