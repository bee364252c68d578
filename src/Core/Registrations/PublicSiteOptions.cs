using System.ComponentModel.DataAnnotations;

namespace Microstructures.Core.Registrations;

// The App section, bound once for the whole app. Absolute links (e-mails, QR codes) are mostly built
// outside any request (queue and timer functions), and behind the Functions host the request's own
// host is 127.0.0.1: every absolute link comes from App__PublicBaseUrl, never from a request.
public sealed class PublicSiteOptions : IValidatableObject
{
    public const string SectionName = "App";

    [Required]
    public string PublicBaseUrl { get; set; } = "";

    // The header holding the client's address when a CDN or a front door is put before the Functions
    // host (e.g. X-Azure-ClientIP); empty (the default): the address the host's proxy gives the worker.
    // Set it only when the app is reachable through that front alone: anyone else can write the header.
    [MaxLength(100)]
    public string? TrustedClientAddressHeader { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            yield return new ValidationResult("App__PublicBaseUrl must be an absolute http(s) URL.", [nameof(PublicBaseUrl)]);
        }
    }

    public Uri Link(string relativePath) => new(new Uri(PublicBaseUrl.TrimEnd('/') + "/"), relativePath.TrimStart('/'));
}
