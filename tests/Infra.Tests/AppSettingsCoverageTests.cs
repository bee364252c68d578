using System.Text.RegularExpressions;
using Microstructures.TestSupport;
using Xunit.Abstractions;

namespace Microstructures.Infra.Tests;

// Every setting the code reads is set by infra/ or listed here as optional with a reason; every
// setting infra/ sets is read by the code or by the Functions host; secrets come from Key Vault.
public sealed partial class AppSettingsCoverageTests(ITestOutputHelper output)
{
    // Read by the code, not set in Azure: the code's default applies (README.md, Deploy to Azure, lists them).
    private static readonly Dictionary<string, string> Optional = new(StringComparer.Ordinal)
    {
        ["AzureWebJobsStorage"] = "a connection string for Azurite locally; unset in Azure, where the identity settings apply (no account key anywhere)",
        ["SendGrid__Host"] = "SendGrid's own host in Azure; only the DevHost's sink sets it locally",
        ["SendGrid__WebhookMaxAge"] = "default 1.00:05:00 (SendGrid retries failed webhook deliveries for up to 24 hours)",
        ["Email__SweepGrace"] = "default 00:02:00",
        ["Email__ReconcileDelay"] = "default 00:15:00",
        ["Email__MaxAttempts"] = "default 25",
        ["Email__RetentionDays"] = "default 90 days (docs/data-protection.md)",
        ["Registrations__MaxPerIpPerMinute"] = "default 300",
        ["App__TrustedClientAddressHeader"] = "not set: the address the host's proxy forwards (a CDN in front would set it)",
        ["Registrations__MaxPerEmailPerHour"] = "default 5",
        ["Registrations__EmailRelayDelay"] = "default 00:00:05",
        ["Registrations__CheckinMargin"] = "default 04:00:00 (the door opens four hours before the event and closes four hours after it)",
        ["Registrations__RetentionDays"] = "default 90 days (docs/data-protection.md)",
        ["Forfaits__Schemes"] = "defaults Equip'Addict 806 € and santé mentale 829 €; a new scheme is added as Forfaits__Schemes__N__Id/Name/AmountEuros",
        ["Forfaits__LeadTimesDays"] = "default 60, 30 and 7 days",
        ["Forfaits__EscalationDaysBefore"] = "default 7 days",
        ["Forfaits__LinkDaysAfterEnd"] = "default 14 days",
        ["Forfaits__RunParallelism"] = "default 8",
        ["Indicators__AnnualDeadline"] = "default 03-31 (timeliness of a year's reports)",
        ["Indicators__SuppressionThreshold"] = "default 5 (public counts under it are suppressed)",
        ["Indicators__RebuildRunBudget"] = "default 3 min (a rebuild run then queues its continuation, within host.json's 5 min functionTimeout)",
        ["Newsletter__SendHour"] = "default 9 (Paris time)",
        ["Newsletter__MaxPerIpPerMinute"] = "default 30",
        ["Newsletter__ConfirmationLinkValidity"] = "default 7 days",
        ["Newsletter__RequestEmailInterval"] = "default 10 minutes",
        ["Newsletter__RetentionYears"] = "default 3 years (docs/data-protection.md)",
        ["Newsletter__RepermissionLeadDays"] = "default 30 days",
        ["Newsletter__UnconfirmedRetentionDays"] = "default 30 days (docs/data-protection.md)",
        ["Newsletter__ThrottleCallsPerSecond"] = "default 5 provider calls per second per instance",
        ["Newsletter__BatchSize"] = "default 1,000 recipients per provider call (SendGrid's limit)",
        ["Newsletter__ReconcileDelay"] = "default 15 minutes",
        ["Newsletter__BatchRetryAfter"] = "default 10 minutes",
        ["Newsletter__MaxAttempts"] = "default 25",
        ["Newsletter__MaxImageBytes"] = "default 1 MiB",
        ["Newsletter__ArchiveFrameAncestors"] = "default none: the archive is framed by nobody until the association's site's origin is given",
        ["Submissions__MaxBytes"] = "default 20,000,000 bytes",
        ["Submissions__MaxRows"] = "default 50,000 rows",
        ["Submissions__RequeueAfter"] = "default 10 minutes",
    };

    // Set by infra/ for the Functions host or the platform, not read by the app's own code.
    private static readonly Dictionary<string, string> ForTheHost = new(StringComparer.Ordinal)
    {
        ["AzureWebJobsStorage__accountName"] = "the host's storage account (triggers, timers, leases)",
        ["AzureWebJobsStorage__credential"] = "the host authenticates to storage with the managed identity",
        ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "the host's telemetry (the worker's exporter reads it too)",
        ["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] = "Entra ID ingestion as the identity, for the host and the worker (the component refuses keys)",
        ["AzureWebJobsDisableHomepage"] = "the platform's own page answers at /",
    };

    // Read with a constant prefix and a literal key, which the scan does not follow: each entry names
    // the file and the literal, so a renamed key fails here.
    private static readonly (string Setting, string File, string Literal)[] ReadIndirectly =
    [
        ("AzureWebJobsStorage", "src/Core/Storage/StorageServiceCollectionExtensions.cs", "\"AzureWebJobsStorage\""),
        ("AzureWebJobsStorage__blobServiceUri", "src/Core/Storage/StorageServiceCollectionExtensions.cs", "\"blobServiceUri\""),
        ("AzureWebJobsStorage__queueServiceUri", "src/Core/Storage/StorageServiceCollectionExtensions.cs", "\"queueServiceUri\""),
        ("AzureWebJobsStorage__tableServiceUri", "src/Core/Storage/StorageServiceCollectionExtensions.cs", "\"tableServiceUri\""),
        ("AzureWebJobsStorage__clientId", "src/Core/Storage/StorageServiceCollectionExtensions.cs", "\"clientId\""),
    ];

    private static IReadOnlyList<SettingRead> ReadByCode()
    {
        var indirect = ReadIndirectly.Select(r =>
        {
            Assert.True(File.ReadAllText(RepoPaths.Combine(r.File)).Contains(r.Literal, StringComparison.Ordinal),
                $"{r.File} no longer contains {r.Literal}: update ReadIndirectly for {r.Setting}.");
            return new SettingRead(r.Setting, Required: false, r.File);
        });
        return [.. SettingsReadByCode.Find().Concat(indirect)];
    }

    [Fact]
    public void TheScanFindsTheOptionsClasses()
    {
        var reads = ReadByCode();
        foreach (var read in reads)
        {
            output.WriteLine($"{read.Name}{(read.Required ? " (required)" : "")}  <- {read.Source}");
        }

        // The staff key and the public base URL are read in every version of the app; if the scan
        // stops finding them, the coverage tests below would pass on nothing.
        Assert.Contains(reads, r => r.Name == "Admin__ApiKey" && r.Required);
        Assert.Contains(reads, r => r.Name == "App__PublicBaseUrl" && r.Required);
    }

    [Fact]
    public async Task EveryRequiredSettingIsSetInAzure()
    {
        var settings = await InfraTemplates.AppSettingsAsync();

        var missing = ReadByCode().Where(r => r.Required && !settings.ContainsKey(r.Name)).Select(r => $"{r.Name} ({r.Source})").ToList();

        Assert.True(missing.Count == 0, "Required settings infra/modules/functionapp.bicep does not set:\n" + string.Join('\n', missing));
    }

    [Fact]
    public async Task EveryOtherSettingIsSetOrListedAsOptional()
    {
        var settings = await InfraTemplates.AppSettingsAsync();

        var unaccounted = ReadByCode().Where(r => !r.Required && !settings.ContainsKey(r.Name) && !Optional.ContainsKey(r.Name))
            .Select(r => $"{r.Name} ({r.Source})").ToList();

        Assert.True(unaccounted.Count == 0,
            "Settings read by the code, neither set by infra/ nor listed in Optional with a reason:\n" + string.Join('\n', unaccounted));
    }

    [Fact]
    public async Task EveryListedOptionalSettingIsReadAndNotSet()
    {
        var settings = await InfraTemplates.AppSettingsAsync();
        var read = ReadByCode().Select(r => r.Name).ToHashSet(StringComparer.Ordinal);

        var stale = Optional.Keys.Where(name => !read.Contains(name)).ToList();
        var set = Optional.Keys.Where(settings.ContainsKey).ToList();

        Assert.True(stale.Count == 0, "Listed as optional but no longer read by the code (remove them): " + string.Join(", ", stale));
        Assert.True(set.Count == 0, "Listed as optional but set by infra/ (remove them from the list): " + string.Join(", ", set));
    }

    [Fact]
    public async Task EverySettingInAzureIsReadByTheAppOrTheHost()
    {
        var settings = await InfraTemplates.AppSettingsAsync();
        var read = ReadByCode().Select(r => r.Name).ToHashSet(StringComparer.Ordinal);

        // A misspelt name would be set, and silently ignored.
        var unread = settings.Keys.Where(name => !read.Contains(name) && !ForTheHost.ContainsKey(name)).ToList();

        Assert.True(unread.Count == 0, "Settings infra/ sets that nothing reads: " + string.Join(", ", unread));
    }

    [Fact]
    public async Task SecretsAreKeyVaultReferencesToSecretsTheScriptWrites()
    {
        var settings = await InfraTemplates.AppSettingsAsync();
        var site = await InfraTemplates.PredictedResourceAsync("Microsoft.Web/sites");
        var script = await File.ReadAllTextAsync(RepoPaths.Combine("scripts", "init-secrets.sh"));

        // Keys (API keys, signing keys, the webhook's public key) never appear as values.
        var keys = settings.Where(s => s.Key.EndsWith("Key", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(keys);
        foreach (var (name, value) in keys)
        {
            Assert.True(value.Contains("@Microsoft.KeyVault(SecretUri=", StringComparison.Ordinal), $"{name} is not a Key Vault reference: {value}");
            var secret = SecretName().Match(value);
            Assert.True(secret.Success, $"{name}: no secret name found in {value}");
            Assert.True(Regex.IsMatch(script, $@"\b{Regex.Escape(secret.Groups[1].Value)}\b"),
                $"{name} references the secret '{secret.Groups[1].Value}', which scripts/init-secrets.sh does not write.");
        }
        Assert.False(string.IsNullOrEmpty((string?)site["properties"]!["keyVaultReferenceIdentity"]), "keyVaultReferenceIdentity is not set on the site.");
    }

    // The last quoted argument of format('@Microsoft.KeyVault(SecretUri={0}secrets/{1})', ..., 'name').
    [GeneratedRegex(@"'([a-z0-9-]+)'\)\]$")]
    private static partial Regex SecretName();
}
