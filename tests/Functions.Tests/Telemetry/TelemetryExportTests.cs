using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using Microstructures.Functions.Tests.Registrations;
using Xunit.Abstractions;

namespace Microstructures.Functions.Tests.Telemetry;

// The worker with APPLICATIONINSIGHTS_CONNECTION_STRING set, as in Azure, exporting to a stand-in of
// Application Insights' ingestion endpoint: what the alerts query arrives with their names and
// dimensions, requests' storage calls arrive as dependencies, logs as traces, and no query-string value
// (tokens travel there) nor table entity key (some hold a pseudonym) leaves the worker.
public sealed class TelemetryExportTests(ITestOutputHelper output)
{
    private const string Secret = "Zq7SecretTokenValue9X";

    private sealed class ExportingHost(FakeIngestion ingestion) : FunctionsHost
    {
        protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
        {
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = ingestion.ConnectionString,
            // The exporter's own usage statistics go to Microsoft's endpoints: not from a test.
            ["APPLICATIONINSIGHTS_STATSBEAT_DISABLED"] = "true",
            ["APPLICATIONINSIGHTS_SDKSTATS_DISABLED"] = "true",
        };
    }

    private static JsonObject Data(JsonObject item) => item["data"]!["baseData"]!.AsObject();

    // The values a metric was exported with under this dimension value, one per export interval.
    private static List<double> Exported(IReadOnlyList<JsonObject> items, string metric, string dimension, string value) =>
        items.Where(i => (string?)i["name"] == "Metric")
            .Where(i => (string?)Data(i)["metrics"]![0]!["name"] == metric && (string?)Data(i)["properties"]?[dimension] == value)
            .Select(i => (double)Data(i)["metrics"]![0]!["value"]!)
            .ToList();

    [Fact]
    public async Task TheWorkerExportsTheAlertsMetricsDependenciesAndLogsButNoQueryStringValue()
    {
        await using var ingestion = await FakeIngestion.StartAsync();
        var app = new ExportingHost(ingestion);
        await app.InitializeAsync();
        try
        {
            var poison = new QueueClient(app.Storage, "outbound-email-poison");
            await poison.CreateAsync();
            await poison.SendMessageAsync("a");
            await poison.SendMessageAsync("b");
            await new QueueClient(app.Storage, "registration-emails-poison").CreateAsync();
            var eventId = await RegistrationTestKit.CreateEventAsync(app, capacity: 5);
            using var client = app.CreateClient();
            var registered = await client.PostAsJsonAsync($"/api/events/{eventId}/registrations", RegistrationTestKit.Person(RegistrationTestKit.Mail("camille")));
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
            var manage = await client.GetAsync($"/api/events/{eventId}/registrations/r-unknown/manage?token={Secret}");
            Assert.Equal(HttpStatusCode.NotFound, manage.StatusCode);
            await app.RunFunctionAsync("PoisonQueueMetrics");

            // Stopping flushes what the worker buffers (metrics are exported every minute otherwise).
            await app.StopInstancesAsync();

            var items = ingestion.Items;
            output.WriteLine(string.Join('\n', items.Select(i => $"{i["name"]} {Data(i)["name"] ?? Data(i)["message"]}")));
            // The alerts' custom metrics, with the names and dimension infra/modules/alerts.bicep queries.
            Assert.Equal([2.0], Exported(items, "PoisonQueueLength", "queue", "outbound-email-poison").Distinct());
            Assert.Equal([0.0], Exported(items, "PoisonQueueLength", "queue", "registration-emails-poison").Distinct());
            Assert.Equal(1, Exported(items, "Registrations", "status", "confirmed").Sum());
            // The invocation, its storage calls as dependencies and its logs, in one operation.
            var invocation = Assert.Single(items, i => (string?)i["name"] == "RemoteDependency" && (string?)Data(i)["name"] == "function Register");
            var operation = (string?)invocation["tags"]!["ai.operation.id"];
            Assert.Contains(items, i => (string?)i["name"] == "RemoteDependency" && (string?)Data(i)["type"] == "InProc | Microsoft.Tables"
                && (string?)i["tags"]!["ai.operation.id"] == operation);
            Assert.Contains(items, i => (string?)i["name"] == "Message" && ((string?)Data(i)["message"])!.StartsWith("Registered ", StringComparison.Ordinal)
                && (string?)i["tags"]!["ai.operation.id"] == operation);
            Assert.Contains(items, i => (string?)i["name"] == "RemoteDependency" && (string?)Data(i)["name"] == "function ManageRegistrationPage");
            // Query strings: the token never leaves, table queries' values are redacted by Azure.Core.
            Assert.DoesNotContain(Secret, ingestion.Raw, StringComparison.Ordinal);
            Assert.Contains(items, i => ((string?)Data(i)["data"])?.EndsWith("?$format=REDACTED", StringComparison.Ordinal) == true);
            // Table entities' keys (some hold a pseudonym) neither: the table is named, not the entity.
            Assert.Contains(items, i => ((string?)Data(i)["data"])?.Contains("/registrations(PartitionKey=…,RowKey=…)", StringComparison.Ordinal) == true);
            Assert.DoesNotContain("PartitionKey='", ingestion.Raw, StringComparison.Ordinal);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }
}
