using System.Diagnostics;
using System.Net.Sockets;
using Xunit;

namespace Microstructures.TestSupport;

// A real Azurite, in memory, on free loopback ports: one per test class that needs storage.
// Azurite comes from node_modules (./test.sh runs `npm ci` when it is missing).
public sealed class Azurite : IAsyncLifetime
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private Process? _process;

    public int BlobPort { get; private set; }
    public int QueuePort { get; private set; }
    public int TablePort { get; private set; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    public async Task InitializeAsync()
    {
        var script = RepoPaths.Combine("node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"Azurite is not installed ({script}); run `npm ci` (./test.sh does).");
        }
        BlobPort = FreePort.Next();
        QueuePort = FreePort.Next();
        TablePort = FreePort.Next();
        var psi = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            script, "--inMemoryPersistence", "--silent", "--skipApiVersionCheck", "--disableTelemetry", "--loose",
            "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
        {
            psi.ArgumentList.Add(arg);
        }
        _process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start node for Azurite.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        foreach (var port in new[] { BlobPort, QueuePort, TablePort })
        {
            while (!await IsListeningAsync(port))
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"Azurite exited with code {_process.ExitCode}.");
                }
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"Azurite did not listen on {port} within 30 s.");
                }
                await Task.Delay(50);
            }
        }
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        _process?.Dispose();
        return Task.CompletedTask;
    }

    private static async Task<bool> IsListeningAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
