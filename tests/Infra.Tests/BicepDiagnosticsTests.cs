namespace Microstructures.Infra.Tests;

// `bicep build` and `bicep lint` of every file under infra/, offline, with no warning at all
// (infra/bicepconfig.json sets the rules). Any diagnostic fails the test and is printed.
public sealed class BicepDiagnosticsTests
{
    public static TheoryData<string> BicepFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Bicep.InfraDirectory, "*", SearchOption.AllDirectories)
                     .Where(f => Path.GetExtension(f) is ".bicep" or ".bicepparam").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(Bicep.InfraDirectory, file));
        }
        return data;
    }

    [Fact]
    public async Task MainBicepBuildsWithoutDiagnostics()
    {
        var result = await Bicep.RunAsync(Bicep.InfraDirectory, "build", "main.bicep", "--stdout");

        Assert.True(result.ExitCode == 0 && result.Diagnostics.Count == 0,
            $"bicep build main.bicep (exit {result.ExitCode}):\n" + string.Join('\n', result.Diagnostics));
        Assert.StartsWith("{", result.StandardOutput.TrimStart(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ParametersFileBuildsAgainstMain()
    {
        var result = await Bicep.RunAsync(Bicep.InfraDirectory, "build-params", "main.bicepparam", "--stdout");

        Assert.True(result.ExitCode == 0 && result.Diagnostics.Count == 0,
            $"bicep build-params main.bicepparam (exit {result.ExitCode}):\n" + string.Join('\n', result.Diagnostics));
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public async Task LintsWithoutWarnings(string file)
    {
        var result = await Bicep.RunAsync(Bicep.InfraDirectory, "lint", file);

        Assert.True(result.ExitCode == 0 && result.Diagnostics.Count == 0,
            $"bicep lint {file} (exit {result.ExitCode}):\n" + string.Join('\n', result.Diagnostics));
    }

    [Fact]
    public void EveryModuleIsLocal()
    {
        // No registry or template-spec module: the build must work offline.
        var remote = Directory.EnumerateFiles(Bicep.InfraDirectory, "*.bicep", SearchOption.AllDirectories)
            .SelectMany(file => File.ReadLines(file).Select(line => (file, line)))
            .Where(x => System.Text.RegularExpressions.Regex.IsMatch(x.line, @"^\s*module\s+\w+\s+'(br|ts)[:/]"))
            .Select(x => $"{Path.GetRelativePath(Bicep.InfraDirectory, x.file)}: {x.line.Trim()}")
            .ToList();

        Assert.True(remote.Count == 0, "Remote modules:\n" + string.Join('\n', remote));
    }
}
