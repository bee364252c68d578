using System.Globalization;

namespace Microstructures.Core.Common;

// A wait as a person reads it, rounded up: "30 secondes", "1 minute", "12 minutes", "2 heures".
public static class FrenchDuration
{
    public static string Format(TimeSpan duration)
    {
        if (duration <= TimeSpan.FromSeconds(59))
        {
            return Count(Math.Max(1, (int)Math.Ceiling(duration.TotalSeconds)), "seconde");
        }
        if (duration <= TimeSpan.FromMinutes(90))
        {
            return Count((int)Math.Ceiling(duration.TotalMinutes), "minute");
        }
        return Count((int)Math.Ceiling(duration.TotalHours), "heure");
    }

    private static string Count(int n, string unit) => n.ToString(CultureInfo.InvariantCulture) + " " + (n > 1 ? unit + "s" : unit);
}
