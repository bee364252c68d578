using System.Globalization;
using System.Text.RegularExpressions;

namespace Microstructures.Core.Privacy;

// French social-security numbers (NIR): sex (1, 2, 3, 4, 7, 8), year, month (01-12, or 20 and 30-42
// and 50-99 for unknown or provisional months), department (2 digits, or 2A/2B for Corsica), commune,
// order number, then an optional key = 97 - (number mod 97), where 2A counts as 19 and 2B as 18.
// Spaces are allowed between the groups ("1 85 02 75 123 456 25").
// The 13-character form has no key to check, so its structure alone decides; the 15-character form
// must have a valid key: a 15-digit reference with a wrong key is not taken for a NIR (a NIR with a
// mistyped key slips through there; written with spaces, its first 13 characters are still caught).
public static partial class SocialSecurityNumbers
{
    public static bool Contains(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }
        foreach (Match match in Candidate().Matches(text))
        {
            var key = match.Groups["key"];
            if (!key.Success || KeyOf(match) == int.Parse(key.Value, CultureInfo.InvariantCulture))
            {
                return true;
            }
        }
        return false;
    }

    private static int KeyOf(Match match)
    {
        var department = match.Groups["dept"].Value.ToUpperInvariant() switch
        {
            "2A" => "19",
            "2B" => "18",
            var d => d,
        };
        var digits = match.Groups["sex"].Value + match.Groups["yy"].Value + match.Groups["mm"].Value + department + match.Groups["commune"].Value + match.Groups["order"].Value;
        return 97 - (int)(long.Parse(digits, CultureInfo.InvariantCulture) % 97);
    }

    // The key is optional; the last look-ahead keeps a keyless match from being the start of a longer
    // number ("... 456 26" with a wrong key is not re-read as a 13-character NIR followed by 26).
    [GeneratedRegex(@"(?<![0-9])(?<sex>[1-478])\s?(?<yy>[0-9]{2})\s?(?<mm>0[1-9]|1[0-2]|20|3[0-9]|4[0-2]|[5-9][0-9])\s?(?<dept>[0-9]{2}|2[AaBb])\s?(?<commune>[0-9]{3})\s?(?<order>[0-9]{3})(?:\s?(?<key>[0-9]{2}))?(?!\s?[0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex Candidate();
}
