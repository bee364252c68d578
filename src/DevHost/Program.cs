using System.Globalization;
using System.Runtime.InteropServices;
using Microstructures.DevHost;

const string Usage = """
    Usage: Microstructures.DevHost [options]
      --script-root DIR              the isolated worker's build output folder: worker.config.json, functions.metadata, host.json (default: current folder)
      --settings FILE                local.settings.json (default: <script-root>/local.settings.json)
      --sample-settings FILE         copied to --settings when that file does not exist; else its settings that file lacks are named
      --port N                       HTTP port (default 7071; 0 = any free port)
      --max-polling-interval HH:MM:SS  cap the queue polling back-off (host default 00:01:00)
      --disable-timers               timers run only through POST /admin/functions/<name>
      --set KEY=VALUE                override a setting (repeatable)
    """;

var options = new DevHostOptions { ScriptRoot = Directory.GetCurrentDirectory(), Port = 7071 };
try
{
    for (var i = 0; i < args.Length; i++)
    {
        string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
        switch (args[i])
        {
            case "--script-root":
                options.ScriptRoot = Next();
                break;
            case "--settings":
                options.SettingsPath = Next();
                break;
            case "--sample-settings":
                options.SampleSettingsPath = Next();
                break;
            case "--port":
                options.Port = int.Parse(Next(), CultureInfo.InvariantCulture);
                break;
            case "--max-polling-interval":
                options.MaxPollingInterval = TimeSpan.Parse(Next(), CultureInfo.InvariantCulture);
                break;
            case "--disable-timers":
                options.DisableTimers = true;
                break;
            case "--set":
                var pair = Next();
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    throw new ArgumentException($"--set expects KEY=VALUE, got '{pair}'");
                }
                options.SettingOverrides[pair[..eq]] = pair[(eq + 1)..];
                break;
            case "--help" or "-h":
                Console.WriteLine(Usage);
                return 0;
            default:
                throw new ArgumentException($"unknown option {args[i]}");
        }
    }
}
catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
{
    await Console.Error.WriteLineAsync("devhost: " + ex.Message);
    await Console.Error.WriteLineAsync(Usage);
    return 2;
}

var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.TrySetResult();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.TrySetResult();
});

DevHostServer server;
try
{
    server = await DevHostServer.StartAsync(options);
}
catch (DevHostConfigurationException ex)
{
    await Console.Error.WriteLineAsync("devhost: configuration error: " + ex.Message);
    return 2;
}
catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or IOException or Microstructures.DevHost.Worker.WorkerUnavailableException)
{
    await Console.Error.WriteLineAsync("devhost: could not start: " + ex.Message);
    return 1;
}

// Like the host, the DevHost stops when the worker failed too often to be restarted.
var gaveUp = await Task.WhenAny(stop.Task, server.WorkerGaveUp) != stop.Task;
// Disposing sends WorkerTerminate (then kills the worker) and lets in-flight queue messages become visible again.
await server.DisposeAsync();
return gaveUp ? 1 : 0;
