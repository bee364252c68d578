using System.Net.Mail;

namespace Microstructures.Core.Common;

public static class EmailAddresses
{
    // A plain address (no display name), with a dotted domain, at most 254 characters.
    public static bool IsValid(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 254 || value.Trim() != value || !TextFields.IsSingleLine(value))
        {
            return false;
        }
        if (!MailAddress.TryCreate(value, out var address) || address.Address != value || !string.IsNullOrEmpty(address.DisplayName))
        {
            return false;
        }
        var domain = address.Host;
        return domain.Contains('.', StringComparison.Ordinal) && !domain.StartsWith('.') && !domain.EndsWith('.');
    }

    public static string Normalize(string value) => value.Trim().ToLowerInvariant();
}
