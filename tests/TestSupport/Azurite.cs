using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit;

namespace Microstructures.TestSupport;

// A real Azurite, in memory, on loopback ports the system chooses: one per test class that needs storage.
// Azurite comes from node_modules (./test.sh runs `npm ci` when it is missing).
public sealed partial class Azurite : IAsyncLifetime
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private const int IsolatedAccounts = 64;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private readonly List<string> _errors = [];
    private Process? _process;

    // The node process, once started (the bench kills it if it is stopped by a signal).
    public Process? Process => _process;
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

    // Azurite binds port 0 for each service and prints the port the system gave it: no port is chosen
    // here and bound there later, so test assemblies running side by side cannot pick the same one.
    public async Task InitializeAsync()
    {
        var script = RepoPaths.Combine("node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"Azurite is not installed ({script}); run `npm ci` (./test.sh does).");
        }
        var psi = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // Azurite creates its --location (default: the working directory) even in memory.
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var arg in new[]
        {
            script, "--inMemoryPersistence", "--silent", "--skipApiVersionCheck", "--disableTelemetry", "--loose",
            "--blobHost", "127.0.0.1", "--blobPort", "0",
            "--queueHost", "127.0.0.1", "--queuePort", "0",
            "--tableHost", "127.0.0.1", "--tablePort", "0",
        })
        {
            psi.ArgumentList.Add(arg);
        }
        psi.Environment["AZURITE_ACCOUNTS"] = string.Join(';',
            Enumerable.Repeat("devstoreaccount1", 1).Concat(Enumerable.Range(1, IsolatedAccounts).Select(AccountName)).Select(a => $"{a}:{AccountKey}"));

        var ports = new Dictionary<string, TaskCompletionSource<int>>
        {
            ["Blob"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
            ["Queue"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
            ["Table"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
        };
        _process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _process.Exited += (_, _) => exited.TrySetResult();
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && ListeningLine().Match(line) is { Success: true } m && ports.TryGetValue(m.Groups[1].Value, out var port))
            {
                port.TrySetResult(int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (_errors)
                {
                    _errors.Add(line);
                }
            }
        };
        if (!_process.Start())
        {
            throw new InvalidOperationException("Could not start node for Azurite.");
        }
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var listening = Task.WhenAll(ports.Values.Select(p => p.Task));
        // Node starts in about a second on a quiet machine; a loaded 2-core CI runner has taken over 30 s.
        var first = await Task.WhenAny(listening, exited.Task, Task.Delay(StartTimeout));
        if (first != listening)
        {
            if (first == exited.Task)
            {
                // Let the error stream drain: the reason is its last lines.
                await _process.WaitForExitAsync();
            }
            var reason = first == exited.Task ? $"Azurite exited with code {_process.ExitCode}" : $"Azurite did not listen within {StartTimeout.TotalSeconds} s";
            await DisposeAsync();
            throw new InvalidOperationException(reason + ". Its error output:" + Environment.NewLine + StandardError);
        }
        BlobPort = await ports["Blob"].Task;
        QueuePort = await ports["Queue"].Task;
        TablePort = await ports["Table"].Task;
    }

    private string StandardError
    {
        get
        {
            lock (_errors)
            {
                return _errors.Count == 0 ? "(none)" : string.Join(Environment.NewLine, _errors.TakeLast(20));
            }
        }
    }

    // "Azurite Blob service is successfully listening at http://127.0.0.1:39827"
    [GeneratedRegex(@"^Azurite (Blob|Queue|Table) service is successfully listening at https?://[^:/]+:(\d+)")]
    private static partial Regex ListeningLine();

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        _process?.Dispose();
        _process = null;
        return Task.CompletedTask;
    }
}
