using System.Text.Json.Nodes;
using Microstructures.TestSupport;

namespace Microstructures.Infra.Tests;

// local.settings.sample.json is public: its secrets are development values, marked as such, and none of
// them is used by anything deployed to Azure.
public sealed class LocalSettingsSampleTests
{
    private static readonly JsonObject Sample = JsonNode.Parse(File.ReadAllText(RepoPaths.Combine("local.settings.sample.json")))!.AsObject();

    private static IEnumerable<(string Name, string Value)> Values() =>
        Sample["Values"]!.AsObject().Select(v => (v.Key, v.Value!.GetValue<string>()));

    [Fact]
    public void TheFileSaysItsValuesAreForDevelopmentOnly()
    {
        var comment = Sample["_comment"]?.GetValue<string>();

        Assert.NotNull(comment);
        Assert.Contains("Development values", comment, StringComparison.Ordinal);
        // At the root: an entry of Values would become an environment variable of the worker.
        Assert.Null(Sample["Values"]!["_comment"]);
    }

    [Fact]
    public void EverySecretIsAVisiblyDevelopmentValueAndStorageIsTheEmulator()
    {
        var secrets = Values().Where(v => v.Name.EndsWith("Key", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(secrets);
        Assert.All(secrets, s => Assert.True(
            s.Value.Contains("dev", StringComparison.OrdinalIgnoreCase), $"{s.Name} = '{s.Value}' does not read as a development value"));
        Assert.Equal("UseDevelopmentStorage=true", Values().Single(v => v.Name == "AzureWebJobsStorage").Value);
    }

    [Fact]
    public void NoSampleSecretAppearsInTheDeployment()
    {
        var deployed = Directory.EnumerateFiles(RepoPaths.Combine("infra"), "*", SearchOption.AllDirectories)
            .Append(RepoPaths.Combine("azure.yaml"))
            .Append(RepoPaths.Combine("scripts", "init-secrets.sh"))
            .Select(File.ReadAllText)
            .ToList();

        foreach (var (name, value) in Values().Where(v => v.Name.EndsWith("Key", StringComparison.Ordinal)))
        {
            Assert.DoesNotContain(deployed, text => text.Contains(value, StringComparison.Ordinal));
        }
    }
}
