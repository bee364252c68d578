using System.Diagnostics;
using System.Net.Sockets;
using Microstructures.DevHost.Configuration;

namespace Microstructures.DevHost.Handler;

// The custom handler process: started with the settings as environment, like the real host and `func`.
internal sealed class HandlerProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReadinessTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ReadinessPoll = TimeSpan.FromMilliseconds(25);

    private readonly Process _process;
    private readonly ILogger _logger;
    private readonly string _name;
    private bool _stopping;

    private HandlerProcess(Process process, int port, string name, ILogger logger)
    {
        _process = process;
        Port = port;
        _name = name;
        _logger = logger;
    }

    public int Port { get; }

    public Uri BaseUrl => new($"http://127.0.0.1:{Port}/");

    public static async Task<HandlerProcess> StartAsync(
        HostConfig host, string scriptRoot, LocalSettings settings, HttpClient client, ILogger logger, CancellationToken cancellationToken)
    {
        var port = FreeTcpPort();
        var psi = new ProcessStartInfo(host.ExecutablePath)
        {
            WorkingDirectory = host.WorkingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var arg in host.Arguments)
        {
            psi.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in settings.Values)
        {
            psi.Environment[key] = value;
        }
        psi.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["AzureWebJobsScriptRoot"] = scriptRoot;
        psi.Environment["FUNCTIONS_WORKER_RUNTIME"] = "custom";

        var name = Path.GetFileName(host.ExecutablePath);
        // Only ".exe" is an extension here: "Microstructures.Functions" must keep its last part.
        name = name.EndsWith(".exe", StringComparison.OrdinalIgnoreCase) ? name[..^4] : name;
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("Process.Start returned null");
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new DevHostConfigurationException(host.FilePath, "customHandler.description.defaultExecutablePath",
                $"cannot start {host.ExecutablePath}: {ex.Message}", ex);
        }
        var handler = new HandlerProcess(process, port, name, logger);
        process.OutputDataReceived += (_, e) => handler.Relay(e.Data, isError: false);
        process.ErrorDataReceived += (_, e) => handler.Relay(e.Data, isError: true);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => handler.OnExited();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        logger.LogInformation("Started handler {Executable} (pid {Pid}) on port {Port}", name, process.Id, port);

        try
        {
            await handler.WaitUntilReadyAsync(client, cancellationToken);
        }
        catch
        {
            await handler.DisposeAsync();
            throw;
        }
        return handler;
    }

    private async Task WaitUntilReadyAsync(HttpClient client, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException(
                    $"The custom handler {_name} exited with code {_process.ExitCode} before answering GET / on port {Port}.");
            }
            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                attempt.CancelAfter(TimeSpan.FromSeconds(2));
                using var response = await client.GetAsync(BaseUrl, attempt.Token);
                // Any HTTP answer means the handler listens, as in the host's readiness check.
                _logger.LogInformation("Handler {Executable} ready after {Elapsed} ms", _name, watch.ElapsedMilliseconds);
                return;
            }
            catch (HttpRequestException)
            {
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
            if (watch.Elapsed > ReadinessTimeout)
            {
                throw new TimeoutException(
                    $"The custom handler {_name} did not answer GET / on 127.0.0.1:{Port} within {ReadinessTimeout.TotalSeconds} s "
                    + "(it must listen on the port given in FUNCTIONS_CUSTOMHANDLER_PORT).");
            }
            await Task.Delay(ReadinessPoll, cancellationToken);
        }
    }

    private void Relay(string? line, bool isError)
    {
        if (line is null)
        {
            return;
        }
        if (isError)
        {
            _logger.LogWarning("[{Executable}] {Line}", _name, line);
        }
        else
        {
            _logger.LogInformation("[{Executable}] {Line}", _name, line);
        }
    }

    private void OnExited()
    {
        if (_stopping)
        {
            return;
        }
        // Ctrl-C in a terminal reaches the handler too (same process group): a clean exit is not an error.
        if (_process.ExitCode == 0)
        {
            _logger.LogWarning("Handler {Executable} exited (code 0); invocations fail until the DevHost is restarted", _name);
        }
        else
        {
            _logger.LogError("Handler {Executable} exited unexpectedly with code {ExitCode}; invocations fail until the DevHost is restarted",
                _name, _process.ExitCode);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(cts.Token);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            _logger.LogWarning(ex, "Could not stop handler {Executable}", _name);
        }
        _process.Dispose();
    }

    // A port below Linux's ephemeral range (32768+ by default): a port-0 bind or an outgoing
    // connection elsewhere can grab an ephemeral port between our check and the handler's bind,
    // and then readiness ("any answer on GET /") would be answered by someone else's server.
    private static int FreeTcpPort()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(20000, 32000);
            try
            {
                using var probe = new TcpListener(System.Net.IPAddress.Loopback, port);
                probe.Start();
                return port;
            }
            catch (System.Net.Sockets.SocketException)
            {
            }
        }
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
