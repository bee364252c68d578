using System.Reflection;
using Azure;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microstructures.Core.Audit;
using Microstructures.Core.ReferenceData;

namespace Microstructures.Functions.ReferenceData;

public sealed class ReferenceDataOptions
{
    public const string SectionName = "ReferenceData";

    // Loads the fictional sample tree (example.org contacts) at start-up: for ./run.sh and demos, never in production.
    public bool SeedSampleTree { get; set; }
}

// Imports the embedded sample tree once the app has started. The import is idempotent, so every
// start may run it; it never blocks start-up, and a storage failure is logged, not fatal.
public sealed partial class SampleOrgTreeSeeder(IOptions<ReferenceDataOptions> options, OrgTreeImport import, ILogger<SampleOrgTreeSeeder> logger) : BackgroundService
{
    public const string ResourceName = "Microstructures.Functions.SampleOrgTree.csv";

    public static string ReadSample()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException("The sample org tree is not embedded: " + ResourceName);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.SeedSampleTree)
        {
            return;
        }
        try
        {
            var result = await import.ImportAsync(ReadSample(), Actor.System("sample-tree"), stoppingToken);
            LogSeeded(result.Value?.Created ?? 0, result.Value?.Errors.Count ?? -1);
        }
        catch (RequestFailedException ex)
        {
            LogFailed(ex);
        }
        catch (HttpRequestException ex)
        {
            LogFailed(ex);
        }
    }

    [LoggerMessage(LogLevel.Information, "Sample org tree loaded: {Created} created, {Errors} rows refused")]
    private partial void LogSeeded(int created, int errors);

    [LoggerMessage(LogLevel.Warning, "Sample org tree not loaded: storage unavailable")]
    private partial void LogFailed(Exception exception);
}
