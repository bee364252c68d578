using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Microstructures.DevHost.Http;

// The subset of ASP.NET route templates the Functions host accepts as an HTTP trigger's `route`:
// literals (case-insensitive), {param}, {param?}, {param:constraint}, {*rest} / {**rest}.
internal sealed partial class RouteTemplate
{
    private readonly Segment[] _segments;

    private RouteTemplate(string text, Segment[] segments)
    {
        Text = text;
        _segments = segments;
        // Like ASP.NET's RoutePrecedence: literal 1, complex 2, constrained parameter 3, parameter 4, catch-all 5.
        Precedence = string.Concat(segments.Select(s => s.Rank.ToString(CultureInfo.InvariantCulture)));
    }

    public string Text { get; }

    public string Precedence { get; }

    public static RouteTemplate Parse(string text)
    {
        var trimmed = text.Trim('/');
        var parts = trimmed.Length == 0 ? [] : trimmed.Split('/');
        var segments = new Segment[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            segments[i] = Segment.Parse(parts[i], isLast: i == parts.Length - 1, text);
        }
        return new RouteTemplate(text, segments);
    }

    public bool Matches(IReadOnlyList<string> path) => TryMatch(path, null);

    // Matches a path split on '/', collecting the route values (as the host's routing gives them to the trigger).
    public bool TryMatch(IReadOnlyList<string> path, IDictionary<string, string>? values)
    {
        var i = 0;
        foreach (var segment in _segments)
        {
            if (segment.IsCatchAll)
            {
                if (i < path.Count)
                {
                    values?.Add(segment.CatchAllName, string.Join('/', path.Skip(i)));
                }
                return true;
            }
            if (i >= path.Count)
            {
                if (!segment.IsOptional)
                {
                    return false;
                }
                continue;
            }
            if (!segment.Matches(path[i], values))
            {
                return false;
            }
            i++;
        }
        return i == path.Count;
    }

    // Compare two matching templates: the one with more specific segments first wins.
    public static int CompareSpecificity(RouteTemplate a, RouteTemplate b)
    {
        var c = string.CompareOrdinal(a.Precedence, b.Precedence);
        return c != 0 ? c : b._segments.Length.CompareTo(a._segments.Length);
    }

    private sealed class Segment
    {
        private Regex? _regex;
        private readonly List<(string Name, string[] Constraints)> _parameters = [];

        public bool IsCatchAll { get; private init; }

        public bool IsOptional { get; private init; }

        public string CatchAllName => _parameters[0].Name;

        public int Rank { get; private init; }

        public static Segment Parse(string part, bool isLast, string template)
        {
            if (part.Length == 0)
            {
                throw new FormatException($"route '{template}' has an empty segment");
            }
            if (!part.Contains('{', StringComparison.Ordinal))
            {
                return new Segment { Rank = 1, _regex = new Regex("^" + Regex.Escape(part) + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant) };
            }
            var pattern = new StringBuilder("^");
            var parameters = new List<(string, string[])>();
            var optional = false;
            var catchAll = false;
            var constrained = false;
            var pos = 0;
            foreach (Match m in ParameterRegex().Matches(part))
            {
                pattern.Append(Regex.Escape(part[pos..m.Index]));
                var body = m.Groups[1].Value;
                if (body.StartsWith('*'))
                {
                    if (!isLast || m.Index != 0 || m.Length != part.Length)
                    {
                        throw new FormatException($"route '{template}': a catch-all parameter must be the whole last segment");
                    }
                    catchAll = true;
                    body = body.TrimStart('*');
                }
                if (body.EndsWith('?'))
                {
                    optional = true;
                    body = body[..^1];
                }
                var eq = body.IndexOf('=', StringComparison.Ordinal);
                if (eq >= 0)
                {
                    optional = true; // a default value makes the segment optional
                    body = body[..eq];
                }
                var pieces = body.Split(':');
                if (pieces[0].Length == 0)
                {
                    throw new FormatException($"route '{template}' has a parameter without a name");
                }
                constrained |= pieces.Length > 1;
                parameters.Add((pieces[0], pieces[1..]));
                pattern.Append("(?<p").Append(parameters.Count - 1).Append(">.+?)");
                pos = m.Index + m.Length;
            }
            pattern.Append(Regex.Escape(part[pos..])).Append('$');
            if (part.Replace("{{", "", StringComparison.Ordinal).Count(c => c == '{') != parameters.Count)
            {
                throw new FormatException($"route '{template}' has an unbalanced '{{' in segment '{part}'");
            }
            var complex = parameters.Count > 1 || pos != part.Length || ParameterRegex().Match(part).Index != 0;
            var segment = new Segment
            {
                IsCatchAll = catchAll,
                IsOptional = optional && !complex,
                Rank = catchAll ? 5 : complex ? 2 : constrained ? 3 : 4,
                _regex = new Regex(pattern.ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant),
            };
            segment._parameters.AddRange(parameters);
            return segment;
        }

        public bool Matches(string value, IDictionary<string, string>? values)
        {
            var m = _regex!.Match(value);
            if (!m.Success)
            {
                return false;
            }
            for (var i = 0; i < _parameters.Count; i++)
            {
                var text = m.Groups["p" + i.ToString(CultureInfo.InvariantCulture)].Value;
                if (!_parameters[i].Constraints.All(c => SatisfiesConstraint(c, text)))
                {
                    return false;
                }
            }
            if (values is not null)
            {
                for (var i = 0; i < _parameters.Count; i++)
                {
                    values[_parameters[i].Name] = m.Groups["p" + i.ToString(CultureInfo.InvariantCulture)].Value;
                }
            }
            return true;
        }

        private static bool SatisfiesConstraint(string constraint, string value)
        {
            var open = constraint.IndexOf('(', StringComparison.Ordinal);
            var name = (open < 0 ? constraint : constraint[..open]).ToUpperInvariant();
            var argument = open < 0 ? "" : constraint[(open + 1)..].TrimEnd(')');
            var inv = CultureInfo.InvariantCulture;
            return name switch
            {
                "INT" => int.TryParse(value, NumberStyles.Integer, inv, out _),
                "LONG" => long.TryParse(value, NumberStyles.Integer, inv, out _),
                "DECIMAL" => decimal.TryParse(value, NumberStyles.Number, inv, out _),
                "DOUBLE" or "FLOAT" => double.TryParse(value, NumberStyles.Float, inv, out _),
                "BOOL" => bool.TryParse(value, out _),
                "GUID" => Guid.TryParse(value, out _),
                "DATETIME" => DateTime.TryParse(value, inv, DateTimeStyles.None, out _),
                "ALPHA" => value.All(char.IsAsciiLetter),
                "MINLENGTH" => value.Length >= int.Parse(argument, inv),
                "MAXLENGTH" => value.Length <= int.Parse(argument, inv),
                "LENGTH" => argument.Contains(',', StringComparison.Ordinal)
                    ? value.Length >= int.Parse(argument.Split(',')[0], inv) && value.Length <= int.Parse(argument.Split(',')[1], inv)
                    : value.Length == int.Parse(argument, inv),
                "MIN" => long.TryParse(value, inv, out var min) && min >= long.Parse(argument, inv),
                "MAX" => long.TryParse(value, inv, out var max) && max <= long.Parse(argument, inv),
                "RANGE" => long.TryParse(value, inv, out var r)
                    && r >= long.Parse(argument.Split(',')[0], inv) && r <= long.Parse(argument.Split(',')[1], inv),
                "REGEX" => Regex.IsMatch(value, argument, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)),
                _ => true, // unknown constraints are not ours to judge: the worker's own routing decides
            };
        }
    }

    [GeneratedRegex(@"\{([^{}]+)\}")]
    private static partial Regex ParameterRegex();
}
