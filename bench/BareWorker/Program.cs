using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

// The smallest isolated worker the DevHost can run: the worker, its ASP.NET Core integration, one
// HTTP function. What the app adds to a cold start or to a request is measured against it.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Build().Run();
