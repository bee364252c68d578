using Microstructures.DevHost.Configuration;

namespace Microstructures.DevHost.Tests.Configuration;

// local.settings.json is copied from the committed sample on a first run, then belongs to the developer:
// later runs leave it as it is and name the settings of the sample it lacks (added since, or removed on
// purpose: never applied behind the developer's back).
public sealed class LocalSettingsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("devhost-settings-").FullName;

    private string Write(string name, string values)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, $$"""{ "IsEncrypted": false, "Values": { {{values}} } }""");
        return path;
    }

    [Fact]
    public void SettingsOfTheSampleTheFileLacksAreNamedNotApplied()
    {
        var file = Write("local.settings.json", "\"AzureWebJobsStorage__accountName\": \"exemple\", \"Admin__ApiKey\": \"mine\"");
        var before = File.ReadAllText(file);
        var sample = Write("local.settings.sample.json", "\"AzureWebJobsStorage\": \"UseDevelopmentStorage=true\", \"Admin__ApiKey\": \"sample\", \"Newsletter__SendDay\": \"2\"");

        var settings = LocalSettings.Load(new DevHostOptions { ScriptRoot = _folder, SettingsPath = file, SampleSettingsPath = sample });

        Assert.Equal("mine", settings.Get("Admin__ApiKey"));
        Assert.Equal(["AzureWebJobsStorage", "Newsletter__SendDay"], settings.MissingFromFile);
        Assert.Null(settings.Get("AzureWebJobsStorage"));
        Assert.False(settings.WorkerAdditions.ContainsKey("Newsletter__SendDay"));
        Assert.Equal(before, File.ReadAllText(file));
    }

    [Fact]
    public void AFirstRunCopiesTheSampleAndTakesNothingMore()
    {
        var sample = Write("local.settings.sample.json", "\"AzureWebJobsStorage\": \"UseDevelopmentStorage=true\", \"Admin__ApiKey\": \"sample\"");
        var file = Path.Combine(_folder, "local.settings.json");

        var settings = LocalSettings.Load(new DevHostOptions { ScriptRoot = _folder, SettingsPath = file, SampleSettingsPath = sample });

        Assert.Equal(File.ReadAllText(sample), File.ReadAllText(file));
        Assert.Equal("sample", settings.Get("Admin__ApiKey"));
        Assert.Empty(settings.MissingFromFile);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
