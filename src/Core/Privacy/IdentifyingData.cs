using System.Text.RegularExpressions;

namespace Microstructures.Core.Privacy;

public enum IdentifyingDataKind
{
    EmailAddress,
    PhoneNumber,
    SocialSecurityNumber,
}

// Looks for a patient's identifying data in any field a network sends (forfaits now, activity
// submissions later): something shaped like an e-mail address, a French phone number or a
// social-security number. Names, addresses and birth dates cannot be recognised reliably in free
// text: fields are kept to closed formats instead (pseudonym, ids, dates, numbers).
public static partial class IdentifyingData
{
    public static IdentifyingDataKind? Detect(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        if (EmailLike().IsMatch(value))
        {
            return IdentifyingDataKind.EmailAddress;
        }
        // Before the phone: a NIR written in groups holds a phone-like run of digits, and is the worse leak.
        if (SocialSecurityNumbers.Contains(value))
        {
            return IdentifyingDataKind.SocialSecurityNumber;
        }
        return PhoneLike().IsMatch(value) ? IdentifyingDataKind.PhoneNumber : null;
    }

    // The refusal a person reads, naming the field by its French label; null when the value is clean.
    public static string? Check(string? value, string fieldLabel) =>
        Detect(value) is { } kind ? PrivacyMessages.IdentifyingData(fieldLabel, kind) : null;

    // local@domain.tld, anywhere in the value.
    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex EmailLike();

    // 0X XX XX XX XX, +33 X XX XX XX XX, 0033 X..., +33 (0)X ...: spaces, dots or dashes between pairs,
    // or none. Not preceded or followed by another digit, so longer numbers are not cut into a phone.
    [GeneratedRegex(@"(?<![0-9+])(?:(?:\+|00)\s?33\s?(?:\(0\)\s?)?[1-9]|0[1-9])(?:[\s.\-]?[0-9]{2}){4}(?![0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex PhoneLike();
}
