using System.ComponentModel.DataAnnotations;

namespace Microstructures.Functions.Hosting;

public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    // The CNRMS staff key, sent as "Authorization: Bearer <key>".
    [Required, MinLength(16)]
    public string ApiKey { get; set; } = "";
}
