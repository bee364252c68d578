using System.Globalization;
using System.Text.RegularExpressions;

namespace Microstructures.Core.Privacy;

// The pseudonym a team gives a patient (DESIGN.md): 3 to 24 characters of A-Z, 0-9 and '-', at least
// one letter and one digit, not shaped like a date, a social-security number or a phone number.
// Input is trimmed and upper-cased first ("ab-12" is "AB-12"), so a team's habit of lower case is no error.
public static partial class Pseudonyms
{
    public const int MinLength = 3;
    public const int MaxLength = 24;

    public static string Normalize(string? value) => (value ?? "").Trim().ToUpperInvariant();

    // The French refusal, or null when the (normalised) pseudonym is acceptable.
    public static string? Validate(string? value)
    {
        var pseudonym = Normalize(value);
        if (pseudonym.Length == 0)
        {
            return PrivacyMessages.PseudonymMissing;
        }
        if (pseudonym.Length is < MinLength or > MaxLength)
        {
            return PrivacyMessages.PseudonymLength(MinLength, MaxLength);
        }
        if (!pseudonym.All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-'))
        {
            return PrivacyMessages.PseudonymCharacters;
        }
        if (!pseudonym.Any(char.IsAsciiLetter) || !pseudonym.Any(char.IsAsciiDigit))
        {
            return PrivacyMessages.PseudonymLetterAndDigit;
        }
        if (SocialSecurityNumbers.Contains(pseudonym))
        {
            return PrivacyMessages.PseudonymSocialSecurityNumber;
        }
        if (IdentifyingData.Detect(pseudonym) == IdentifyingDataKind.PhoneNumber)
        {
            return PrivacyMessages.PseudonymPhone;
        }
        return LooksLikeDate(pseudonym) ? PrivacyMessages.PseudonymDate : null;
    }

    public static bool IsValid(string? value) => Validate(value) is null;

    // A whole calendar date anywhere in the pseudonym: a run of exactly 6 or 8 digits that reads as
    // ddMMyy, ddMMyyyy or yyyyMMdd (not yyMMdd: no one writes a birth date so, and it would take
    // sequence numbers like 000123 for dates); three dash-separated numbers d-M-y or y-M-d; or a day, a
    // month name and a year ("12MARS1985", "12-MAR-85"). A month and a year alone ("P-2024-03", an
    // inclusion month) and plain sequence numbers ("P-000123", "MS-2024-017") pass. The price: a
    // sequence number that happens to read as a date ("A-101010") is refused; the team picks another.
    public static bool LooksLikeDate(string pseudonym)
    {
        ArgumentNullException.ThrowIfNull(pseudonym);
        foreach (Match run in DigitRun().Matches(pseudonym))
        {
            var d = run.Value;
            if ((d.Length == 6 && IsDate(d[..2], d[2..4], d[4..]))
                || (d.Length == 8 && (IsDate(d[..2], d[2..4], d[4..]) || IsDate(d[6..], d[4..6], d[..4]))))
            {
                return true;
            }
        }
        var parts = pseudonym.Split('-');
        for (var i = 0; i + 2 < parts.Length; i++)
        {
            if (parts[i..(i + 3)].All(p => p.Length is > 0 and <= 4 && p.All(char.IsAsciiDigit))
                && (IsDate(parts[i], parts[i + 1], parts[i + 2]) || IsDate(parts[i + 2], parts[i + 1], parts[i])))
            {
                return true;
            }
        }
        foreach (Match match in DayMonthNameYear().Matches(pseudonym))
        {
            if (int.Parse(match.Groups["day"].Value, CultureInfo.InvariantCulture) is >= 1 and <= 31)
            {
                return true;
            }
        }
        return false;
    }

    // day and month of 1-2 digits, year of 2 or 4 digits (a 4-digit year between 1900 and 2099).
    private static bool IsDate(string day, string month, string year)
    {
        if (day.Length > 2 || month.Length > 2 || year.Length is not (2 or 4))
        {
            return false;
        }
        var y = int.Parse(year, CultureInfo.InvariantCulture);
        if (year.Length == 4 && y is < 1900 or > 2099)
        {
            return false;
        }
        var fullYear = year.Length == 2 ? 2000 + y : y;
        var m = int.Parse(month, CultureInfo.InvariantCulture);
        var dd = int.Parse(day, CultureInfo.InvariantCulture);
        return m is >= 1 and <= 12 && dd >= 1 && dd <= DateTime.DaysInMonth(fullYear, m);
    }

    [GeneratedRegex("[0-9]+", RegexOptions.CultureInvariant)]
    private static partial Regex DigitRun();

    // French and English month names and their usual abbreviations, without accents (A-Z only here).
    [GeneratedRegex("(?<![0-9])(?<day>[0-9]{1,2})-?(JANVIER|JANV|JAN|FEVRIER|FEVR|FEV|FEB|MARS|MAR|AVRIL|AVR|APR|MAI|MAY|JUIN|JUN|JUILLET|JUIL|JUL|AOUT|AOU|AUG|SEPTEMBRE|SEPT|SEP|OCTOBRE|OCT|NOVEMBRE|NOV|DECEMBRE|DEC)-?(?:[0-9]{4}|[0-9]{2})(?![0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex DayMonthNameYear();
}
