using System.Net;
using Microstructures.Core.Registrations;

namespace Microstructures.Functions.Hosting;

public static class ClientAddressExtensions
{
    // The caller's address as the platform knows it: the host's proxy replaces X-Forwarded-For with its
    // peer's address and the worker's forwarded-headers middleware turns it into RemoteIpAddress. Never
    // a header the caller writes, unless the deployment names one (App__TrustedClientAddressHeader: a
    // CDN in front, the app reachable through it alone).
    public static IPAddress? ClientAddress(this HttpRequest request, PublicSiteOptions site)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(site);
        if (site.TrustedClientAddressHeader is { Length: > 0 } header
            && request.Headers[header] is { Count: 1 } values && IPAddress.TryParse(values[0]?.Trim(), out var fromFront))
        {
            return fromFront;
        }
        return request.HttpContext.Connection.RemoteIpAddress;
    }
}
