namespace Microstructures.DevHost;

// The DevHost's two Kestrel apps (its HTTP front and the gRPC server the worker connects to): no
// configuration files, no command line, the DevHost's own logger factory.
internal static class LoopbackAppBuilder
{
    public static WebApplicationBuilder Create(ILoggerFactory loggerFactory)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(LoopbackAppBuilder).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        return builder;
    }
}
