using System.Diagnostics;
using System.Net.Sockets;
using Xunit;

namespace Microstructures.TestSupport;

// A real Azurite, in memory, on free loopback ports: one per test class that needs storage.
// Azurite comes from node_modules (./test.sh runs `npm ci` when it is missing).
public sealed class Azurite : IAsyncLifetime
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private const int IsolatedAccounts = 64;
    private Process? _process;
    private int _nextAccount;

    public int BlobPort { get; private set; }
    public int QueuePort { get; private set; }
    public int TablePort { get; private set; }

    public string ConnectionString => ConnectionStringFor("devstoreaccount1");

    // A storage account of its own for one test, so tests sharing this Azurite never see each
    // other's tables, queues and blobs (Azurite serves every account listed in AZURITE_ACCOUNTS).
    public string IsolatedConnectionString()
    {
        var n = Interlocked.Increment(ref _nextAccount);
        if (n > IsolatedAccounts)
        {
            throw new InvalidOperationException($"More than {IsolatedAccounts} isolated accounts asked of one Azurite: raise IsolatedAccounts.");
        }
        return ConnectionStringFor(AccountName(n));
    }

    private static string AccountName(int n) => "test" + n.ToString("D3", System.Globalization.CultureInfo.InvariantCulture);

    private string ConnectionStringFor(string account) =>
        $"DefaultEndpointsProtocol=http;AccountName={account};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{account};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{account};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{account};";

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
        psi.Environment["AZURITE_ACCOUNTS"] = string.Join(';',
            Enumerable.Repeat("devstoreaccount1", 1).Concat(Enumerable.Range(1, IsolatedAccounts).Select(AccountName)).Select(a => $"{a}:{AccountKey}"));
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
