using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Azure.Functions.Worker;

namespace Microstructures.DevHost.TestWorker;

// One table row per invocation, in the storage account of AzureWebJobsStorage: the tests read them
// back, so records survive a worker crash and restart.
internal static class TestRecords
{
    public const string TableName = "records";

    private static readonly Lazy<TableClient> Table = new(() =>
    {
        var client = new TableClient(Environment.GetEnvironmentVariable("AzureWebJobsStorage"), TableName);
        client.CreateIfNotExists();
        return client;
    });

    // partition: the function's name unless given (a second record of the same invocation).
    public static async Task WriteAsync(FunctionContext context, IDictionary<string, object?> values, string? partition = null)
    {
        var entity = new TableEntity(partition ?? context.FunctionDefinition.Name, DateTime.UtcNow.Ticks.ToString("D19", System.Globalization.CultureInfo.InvariantCulture) + "-" + context.InvocationId)
        {
            ["InvocationId"] = context.InvocationId,
            ["BindingData"] = JsonSerializer.Serialize(context.BindingContext.BindingData),
            ["ProcessId"] = Environment.ProcessId,
        };
        foreach (var (key, value) in values)
        {
            entity[key] = value;
        }
        await Table.Value.AddEntityAsync(entity);
    }
}
