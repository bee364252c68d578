using Microstructures.Core.Audit;

namespace Microstructures.Functions.Hosting;

// The verified caller of a [NetworkAccess] function, set by NetworkKeyMiddleware. Functions read it
// with request.HttpContext.GetNetworkCaller(); on a function without the marker it is missing and the
// call fails loudly instead of running open.
public sealed record NetworkCaller(string NetworkId, string KeyId)
{
    public Actor Actor => Actor.NetworkKey(KeyId, NetworkId);
}
