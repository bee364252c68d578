using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

// A small isolated worker for the DevHost's tests: every function records what it received
// (TestRecords) so the tests can check what the DevHost sent through the real worker.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Build().Run();
