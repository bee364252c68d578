using System.Net;
using System.Net.Sockets;

namespace Microstructures.TestSupport;

// A port for a server that must know its address before it listens (a DevHost whose settings name
// it). Chosen below Linux's ephemeral range (32768+), where the system picks the ports of port-0 binds
// (Azurite, the DevHost's gRPC server, workers) and of outgoing connections, so none of those can take
// it between this check and the moment its server binds it.
public static class FreePort
{
    public static int Next()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(10100, 32000);
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
