using System.Text.RegularExpressions;
using Microstructures.TestSupport;

namespace Microstructures.Core.Tests;

// A reader finds a type by its file name, and a rule in a class small enough to hold one
// responsibility. Checked on the wired app (src/Functions and the Core it calls); the Core of the
// features not wired yet (forfaits, indicators, newsletter, submissions) follows in their own issues.
public sealed partial class SourceLayoutTests
{
    private static readonly string[] NotWiredYet = ["Forfaits", "Indicators", "Newsletter", "Submissions"];

    private static IEnumerable<string> Files(string folder) =>
        Directory.EnumerateFiles(RepoPaths.Combine(folder), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && Path.GetFileName(f) != "Program.cs"
                && !NotWiredYet.Any(n => f.Contains($"{Path.DirectorySeparatorChar}Core{Path.DirectorySeparatorChar}{n}{Path.DirectorySeparatorChar}", StringComparison.Ordinal)));

    [GeneratedRegex(@"^(?:public|internal)?\s*(?:sealed |static |abstract |partial |readonly )*(?:class|record|struct|enum|interface)(?: struct| class)? (\w+)", RegexOptions.Multiline)]
    private static partial Regex TopLevelType();

    [Fact]
    public void EveryFileHoldsTheTypeItIsNamedAfter()
    {
        var misnamed = Files("src/Core").Concat(Files("src/Functions"))
            .Where(f => !TopLevelType().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value).Contains(Path.GetFileNameWithoutExtension(f)))
            .Select(f => Path.GetRelativePath(RepoPaths.Root, f))
            .ToList();

        Assert.True(misnamed.Count == 0, "No type named after the file in: " + string.Join(", ", misnamed));
    }

    [Fact]
    public void NoClassOfTheRegistrationCoreHoldsSeveralResponsibilities()
    {
        var large = Files("src/Core/Registrations")
            .Select(f => (File: Path.GetFileName(f), Lines: File.ReadAllLines(f).Length))
            .Where(f => f.Lines > 300)
            .ToList();

        Assert.True(large.Count == 0, "Past 300 lines: " + string.Join(", ", large.Select(f => $"{f.File} ({f.Lines})")));
    }
}
