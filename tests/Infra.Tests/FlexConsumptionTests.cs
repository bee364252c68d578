using System.Text.Json.Nodes;

namespace Microstructures.Infra.Tests;

// What the Flex Consumption plan rejects or ignores must not be in the template, and what it needs
// must be there. The lists follow the "Flex Consumption plan deprecations" of the Azure Functions
// app settings reference (learn.microsoft.com, azure-functions/functions-app-settings), read in
// 2025, plus WEBSITE_TIME_ZONE (unsupported on Linux consumption plans: schedules here are UTC).
public sealed class FlexConsumptionTests
{
    // App settings: replaced by functionAppConfig (runtime, scale, deployment) or not valid on Flex.
    public static readonly IReadOnlyList<string> ForbiddenAppSettings =
    [
        "FUNCTIONS_WORKER_RUNTIME",
        "FUNCTIONS_WORKER_RUNTIME_VERSION",
        "FUNCTIONS_EXTENSION_VERSION",
        "FUNCTIONS_MAX_HTTP_CONCURRENCY",
        "FUNCTIONS_WORKER_PROCESS_COUNT",
        "FUNCTIONS_WORKER_DYNAMIC_CONCURRENCY_ENABLED",
        "ENABLE_ORYX_BUILD",
        "SCM_DO_BUILD_DURING_DEPLOYMENT",
        "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
        "WEBSITE_CONTENTOVERVNET",
        "WEBSITE_CONTENTSHARE",
        "WEBSITE_DNS_SERVER",
        "WEBSITE_MAX_DYNAMIC_APPLICATION_SCALE_OUT",
        "WEBSITE_NODE_DEFAULT_VERSION",
        "WEBSITE_RUN_FROM_PACKAGE",
        "WEBSITE_SKIP_CONTENTSHARE_VALIDATION",
        "WEBSITE_VNET_ROUTE_ALL",
        "WEBSITE_TIME_ZONE",
        // Not a Flex rule: Application Insights refuses key-based ingestion here (local auth disabled).
        "APPINSIGHTS_INSTRUMENTATIONKEY",
    ];

    // Site (and siteConfig) properties of the other plans.
    public static readonly IReadOnlyList<string> ForbiddenSiteProperties =
    [
        "alwaysOn",
        "containerSize",
        "ftpsState",
        "isReserved",
        "isXenon",
        "javaVersion",
        "linuxFxVersion",
        "netFrameworkVersion",
        "powerShellVersion",
        "windowsFxVersion",
        "functionAppScaleLimit",
        "preWarmedInstanceCount",
        "use32BitWorkerProcess",
        "vnetBackupRestoreEnabled",
        "vnetContentShareEnabled",
        "vnetImagePullEnabled",
    ];

    [Fact]
    public async Task NoForbiddenSettingAppearsInTheCompiledTemplate()
    {
        var template = await InfraTemplates.CompiledAsync();
        var text = template.ToJsonString();

        var found = ForbiddenAppSettings.Where(name => text.Contains(name, StringComparison.OrdinalIgnoreCase)).ToList();

        Assert.True(found.Count == 0, "Settings Flex Consumption rejects or ignores: " + string.Join(", ", found));
    }

    [Fact]
    public async Task NoSiteHasAPropertyOfTheOtherPlans()
    {
        var template = await InfraTemplates.CompiledAsync();
        var sites = InfraTemplates.Resources(template)
            .Where(r => ((string?)r["type"])?.StartsWith("Microsoft.Web/sites", StringComparison.OrdinalIgnoreCase) == true)
            .ToList();
        Assert.NotEmpty(sites);

        var found = sites.SelectMany(site => PropertyNames(site["properties"]))
            .Where(name => ForbiddenSiteProperties.Contains(name, StringComparer.OrdinalIgnoreCase) || ForbiddenAppSettings.Contains(name, StringComparer.OrdinalIgnoreCase))
            .Distinct()
            .ToList();

        Assert.True(found.Count == 0, "Site properties Flex Consumption rejects or ignores: " + string.Join(", ", found));
    }

    [Fact]
    public async Task TheAppRunsDotnetIsolated10OnFlexConsumption()
    {
        var plan = await InfraTemplates.PredictedResourceAsync("Microsoft.Web/serverfarms");
        var site = await InfraTemplates.PredictedResourceAsync("Microsoft.Web/sites");
        var config = site["properties"]!["functionAppConfig"]!;

        Assert.Equal("FlexConsumption", (string?)plan["sku"]!["tier"]);
        Assert.Equal("dotnet-isolated", (string?)config["runtime"]!["name"]);
        Assert.Equal("10.0", (string?)config["runtime"]!["version"]);
        Assert.Equal("UserAssignedIdentity", (string?)config["deployment"]!["storage"]!["authentication"]!["type"]);
        Assert.NotNull(config["scaleAndConcurrency"]!["maximumInstanceCount"]);
        Assert.NotNull(config["scaleAndConcurrency"]!["instanceMemoryMB"]);
        Assert.Equal("francecentral", (string?)site["location"]);
    }

    [Fact]
    public async Task NoAccountKeyOrConnectionStringWithASecretAnywhere()
    {
        var text = (await InfraTemplates.CompiledAsync()).ToJsonString();

        string[] markers = ["listKeys(", "AccountKey=", "SharedAccessSignature", "SharedAccessKey", "listConnectionStrings("];
        var found = markers.Where(m => text.Contains(m, StringComparison.OrdinalIgnoreCase)).ToList();

        Assert.True(found.Count == 0, "Key material in the template: " + string.Join(", ", found));
    }

    [Fact]
    public async Task StorageAcceptsOnlyEntraIdOverTls12()
    {
        var storage = await InfraTemplates.PredictedResourceAsync("Microsoft.Storage/storageAccounts");
        var properties = storage["properties"]!;

        Assert.False((bool)properties["allowSharedKeyAccess"]!);
        Assert.False((bool)properties["allowBlobPublicAccess"]!);
        Assert.Equal("TLS1_2", (string?)properties["minimumTlsVersion"]);
    }

    private static IEnumerable<string> PropertyNames(JsonNode? node) => node switch
    {
        JsonObject obj => obj.SelectMany(p => PropertyNames(p.Value).Prepend(p.Key)),
        JsonArray array => array.SelectMany(PropertyNames),
        _ => [],
    };
}
