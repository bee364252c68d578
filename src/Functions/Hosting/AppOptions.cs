using System.ComponentModel.DataAnnotations;

namespace Microstructures.Functions.Hosting;

public sealed class AppOptions : IValidatableObject
{
    public const string SectionName = "App";

    // Links in e-mails and QR codes are mostly built outside any request (queue and timer functions):
    // every absolute link comes from this setting, never from a request's host.
    [Required]
    public string PublicBaseUrl { get; set; } = "";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            yield return new ValidationResult("App__PublicBaseUrl must be an absolute http(s) URL.", [nameof(PublicBaseUrl)]);
        }
    }

    public Uri Link(string relativePath) => new(new Uri(PublicBaseUrl.TrimEnd('/') + "/"), relativePath.TrimStart('/'));
}

public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    // The CNRMS staff key, sent as "Authorization: Bearer <key>".
    [Required, MinLength(16)]
    public string ApiKey { get; set; } = "";
}
