using System.Globalization;

namespace Microstructures.Functions.Pages;

// French as the pages write it: real plurals ("1 place", "0 place", "2 places": 0 and 1 are singular
// in French) and numbers with the French thousands separator. The staff scripts have the same helper
// (assets/french.js).
public static class French
{
    public static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("fr-FR");

    public static string Number(long value) => value.ToString("N0", Culture);

    // "1 place", "3 places"; the plural form given when it is not the singular plus "s".
    public static string Plural(long count, string singular, string? plural = null) =>
        Number(count) + "\u00A0" + (count is >= -1 and <= 1 ? singular : plural ?? singular + "s");
}
