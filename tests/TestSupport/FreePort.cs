using System.Net;
using System.Net.Sockets;

namespace Microstructures.TestSupport;

public static class FreePort
{
    // Chosen below Linux's ephemeral range (32768+), and below the DevHost's handler ports
    // (20000-32000): a port-0 bind or an outgoing connection elsewhere in the test run cannot take
    // the port between this check and the moment its server binds it.
    public static int Next()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(10100, 20000);
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
