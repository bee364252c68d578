using System.Diagnostics;

namespace Microstructures.DevHost.Worker;

// One worker process: its output relayed to the log (stderr judged like the host's WorkerProcess:
// "warn" → warning, "error"/"fail"/"severe"/"unhandled exception" → error and kept for the exit
// report), its exit reported at once.
internal sealed class WorkerProcess : IAsyncDisposable
{
    private const int StdErrLinesKept = 3;

    private readonly Process _process;
    private readonly ILogger _logger;
    private readonly Queue<string> _stdErr = new();
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _reading = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WorkerProcess(Process process, string workerId, ILogger logger)
    {
        _process = process;
        WorkerId = workerId;
        _logger = logger;
    }

    public string WorkerId { get; }

    public int Id { get; private set; }

    // Completes with the exit code once the process has exited and its output is drained.
    public Task<int> Exited => _exited.Task;

    public string StdErrTail
    {
        get
        {
            lock (_stdErr)
            {
                return string.Join(",", _stdErr);
            }
        }
    }

    public static async Task<WorkerProcess> StartAsync(
        ProcessLauncher launcher, string executable, IReadOnlyList<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string> environment, string workerId, ILogger logger)
    {
        WorkerProcess? worker = null;
        await launcher.StartAsync(executable, arguments, psi =>
        {
            psi.WorkingDirectory = workingDirectory;
            psi.UseShellExecute = false;
            psi.RedirectStandardOutput = true;
            psi.RedirectStandardError = true;
            psi.CreateNoWindow = true;
            foreach (var (key, value) in environment)
            {
                psi.Environment[key] = value;
            }
        }, p =>
        {
            worker = new WorkerProcess(p, workerId, logger);
            p.OutputDataReceived += (_, e) => worker.OnOutput(e.Data);
            p.ErrorDataReceived += (_, e) => worker.OnError(e.Data);
            p.EnableRaisingEvents = true;
            p.Exited += (_, _) => worker.OnExited();
        }, p =>
        {
            worker!.Id = p.Id;
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            worker._reading.SetResult();
        });
        return worker!;
    }

    private void OnOutput(string? line)
    {
        if (line is not null)
        {
            _logger.LogInformation("[worker {Pid}] {Line}", Id, line);
        }
    }

    private void OnError(string? line)
    {
        if (line is null)
        {
            return;
        }
        if (line.Contains("warn", StringComparison.OrdinalIgnoreCase))
        {
            _logger.LogWarning("[worker {Pid}] {Line}", Id, line);
            return;
        }
        if (line.Contains("error", StringComparison.OrdinalIgnoreCase) || line.Contains("fail", StringComparison.OrdinalIgnoreCase)
            || line.Contains("severe", StringComparison.OrdinalIgnoreCase) || line.Contains("unhandled exception", StringComparison.OrdinalIgnoreCase))
        {
            _logger.LogError("[worker {Pid}] {Line}", Id, line);
            lock (_stdErr)
            {
                if (_stdErr.Count == StdErrLinesKept)
                {
                    _stdErr.Dequeue();
                }
                _stdErr.Enqueue(line);
            }
            return;
        }
        _logger.LogInformation("[worker {Pid}] {Line}", Id, line);
    }

    private void OnExited()
    {
        // Exited can fire before the redirected streams are drained: wait for them, so the
        // exit report carries the last lines of stderr.
        _ = Task.Run(async () =>
        {
            int code;
            try
            {
                await _reading.Task;
                _process.WaitForExit();
                code = _process.ExitCode;
            }
            catch (InvalidOperationException)
            {
                code = -1;
            }
            _exited.TrySetResult(code);
        });
    }

    public bool HasExited => _exited.Task.IsCompleted;

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _exited.Task.WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            _logger.LogDebug(ex, "Worker {Pid} could not be killed (already gone?)", Id);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await WaitForExitAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }
}
