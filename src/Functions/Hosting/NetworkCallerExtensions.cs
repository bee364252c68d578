namespace Microstructures.Functions.Hosting;

public static class NetworkCallerExtensions
{
    public static NetworkCaller GetNetworkCaller(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<NetworkCaller>()
            ?? throw new InvalidOperationException("No verified network caller: mark this function [NetworkAccess].");
    }
}
