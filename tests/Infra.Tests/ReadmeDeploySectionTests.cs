using System.Text.RegularExpressions;
using Microstructures.TestSupport;

namespace Microstructures.Infra.Tests;

// The README's "Deploy to Azure" section names every setting: each one the code reads and each one
// infra/ sets, written out or abbreviated after its section's first name on the same line
// (`Registrations__MaxPerIpPerMinute`, `__MaxPerEmailPerHour`).
public sealed partial class ReadmeDeploySectionTests
{
    private static HashSet<string> NamedInDeploySection()
    {
        var readme = File.ReadAllText(RepoPaths.Combine("README.md"));
        var start = readme.IndexOf("\n## Deploy to Azure\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no '## Deploy to Azure' section");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = end < 0 ? readme[start..] : readme[start..end];
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in section.Split('\n'))
        {
            string? prefix = null;
            foreach (Match token in Code().Matches(line))
            {
                var name = token.Groups[1].Value;
                if (name.StartsWith("__", StringComparison.Ordinal))
                {
                    if (prefix is not null)
                    {
                        named.Add(prefix + name);
                    }
                }
                else
                {
                    named.Add(name);
                    prefix = name.Contains("__", StringComparison.Ordinal) ? name[..name.IndexOf("__", StringComparison.Ordinal)] : null;
                }
            }
        }
        return named;
    }

    private static bool IsNamed(HashSet<string> named, string setting) =>
        named.Contains(setting) || named.Any(n => n.StartsWith(setting + "__", StringComparison.Ordinal));

    [Fact]
    public async Task EverySettingReadByTheCodeOrSetByInfraIsNamed()
    {
        var named = NamedInDeploySection();
        var settings = SettingsReadByCode.Find().Select(r => r.Name)
            .Concat((await InfraTemplates.AppSettingsAsync()).Keys)
            .Distinct(StringComparer.Ordinal);

        var missing = settings.Where(s => !IsNamed(named, s)).Order(StringComparer.Ordinal).ToList();

        Assert.True(missing.Count == 0, "Settings the README's Deploy to Azure section does not name: " + string.Join(", ", missing));
    }

    [GeneratedRegex("`([A-Za-z_][A-Za-z0-9_]*)`")]
    private static partial Regex Code();
}
