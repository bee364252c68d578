using System.Text.Json.Nodes;
using Microstructures.TestSupport;

namespace Microstructures.Functions.Tests;

// The worker's build output, what the Functions host (or the DevHost) loads: host.json,
// worker.config.json, and functions.metadata, which the Worker SDK generates from the [Function] methods.
public static class FunctionsOutput
{
    public static string Directory { get; } = RepoPaths.Combine("src", "Functions", "bin", RepoPaths.Configuration, "net10.0");

    public sealed record DeclaredFunction(
        string Name,
        string ScriptFile,
        string EntryPoint,
        string Trigger,
        string? Route,
        IReadOnlyList<string> Methods,
        string? AuthLevel,
        string? QueueName,
        string? Schedule,
        IReadOnlyList<JsonObject> Bindings)
    {
        public bool IsHttp => Trigger == "httpTrigger";
    }

    public static IReadOnlyList<DeclaredFunction> ReadMetadata(string? directory = null)
    {
        var path = Path.Combine(directory ?? Directory, "functions.metadata");
        Assert.True(File.Exists(path), "functions.metadata missing from " + (directory ?? Directory) + ": build src/Functions first.");
        return JsonNode.Parse(File.ReadAllText(path))!.AsArray().Select(f =>
        {
            var bindings = f!["bindings"]!.AsArray().Select(b => b!.AsObject()).ToList();
            var trigger = bindings.Single(b => b["direction"]!.GetValue<string>() == "In" && b["type"]!.GetValue<string>().EndsWith("Trigger", StringComparison.Ordinal));
            return new DeclaredFunction(
                f["name"]!.GetValue<string>(),
                f["scriptFile"]!.GetValue<string>(),
                f["entryPoint"]!.GetValue<string>(),
                trigger["type"]!.GetValue<string>(),
                trigger["route"]?.GetValue<string>(),
                trigger["methods"]?.AsArray().Select(m => m!.GetValue<string>().ToUpperInvariant()).Order(StringComparer.Ordinal).ToList() ?? [],
                trigger["authLevel"]?.GetValue<string>(),
                trigger["queueName"]?.GetValue<string>(),
                trigger["schedule"]?.GetValue<string>(),
                bindings);
        }).ToList();
    }

    // A concrete path for a route template: {year} (or {year:int}) gets a year, the given ids their
    // value, any other parameter "x".
    public static string Fill(string route, IReadOnlyDictionary<string, string>? values = null) =>
        "/" + System.Text.RegularExpressions.Regex.Replace(route, @"\{([^}:?=]+)[^}]*\}", m =>
            values is not null && values.TryGetValue(m.Groups[1].Value, out var value) ? value
            : m.Groups[1].Value == "year" ? "2025"
            : "x");

    // The function names of the README's functions table (first column, comma-separated names).
    public static IReadOnlyList<string> ReadmeFunctionNames()
    {
        var lines = File.ReadAllLines(RepoPaths.Combine("README.md"));
        var start = Array.FindIndex(lines, l => l.StartsWith("## Functions", StringComparison.Ordinal));
        Assert.True(start >= 0, "README.md has no '## Functions' section");
        return lines.Skip(start + 1)
            .SkipWhile(l => !l.StartsWith('|'))
            .TakeWhile(l => l.StartsWith('|'))
            .Skip(2) // header and separator
            .SelectMany(l => l.Split('|')[1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Select(n => n.Trim('`'))
            .ToList();
    }
}
