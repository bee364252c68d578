using System.Collections.Concurrent;
using System.Diagnostics;

namespace Microstructures.DevHost.Worker;

// Starts worker processes so that none outlives the DevHost, even a SIGKILLed one: on Linux the
// child is started through util-linux `setpriv --pdeathsig KILL`, which asks the kernel to kill it
// when its parent goes away. The kernel sends that signal when the *thread* that forked the child
// exits, and Process.Start forks from the calling thread: so every start happens on this class's
// one long-lived thread, which ends only when the DevHost disposes it (after stopping the worker).
internal sealed class ProcessLauncher : IDisposable
{
    private readonly BlockingCollection<(ProcessStartInfo StartInfo, Action<Process> BeforeStart, Action<Process> AfterStart, TaskCompletionSource<Process> Started)> _requests = [];
    private readonly Thread _thread;
    private readonly string? _setpriv;

    public ProcessLauncher()
    {
        _setpriv = OperatingSystem.IsLinux() ? FindOnPath("setpriv") : null;
        _thread = new Thread(Run) { IsBackground = true, Name = "DevHost worker launcher" };
        _thread.Start();
    }

    // False when the kernel cannot be asked to kill the worker with the DevHost (no setpriv, not Linux).
    public bool GuardsAgainstOrphans => _setpriv is not null;

    public Task<Process> StartAsync(
        string executable, IEnumerable<string> arguments, Action<ProcessStartInfo> configure, Action<Process> beforeStart, Action<Process> afterStart)
    {
        var psi = new ProcessStartInfo();
        if (_setpriv is not null)
        {
            psi.FileName = _setpriv;
            psi.ArgumentList.Add("--pdeathsig");
            psi.ArgumentList.Add("KILL");
            psi.ArgumentList.Add("--");
            psi.ArgumentList.Add(executable);
        }
        else
        {
            psi.FileName = executable;
        }
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }
        configure(psi);
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            _requests.Add((psi, beforeStart, afterStart, started));
        }
        catch (InvalidOperationException ex)
        {
            started.SetException(new ObjectDisposedException(nameof(ProcessLauncher), ex));
        }
        return started.Task;
    }

    private void Run()
    {
        foreach (var (startInfo, beforeStart, afterStart, started) in _requests.GetConsumingEnumerable())
        {
            var process = new Process { StartInfo = startInfo };
            try
            {
                beforeStart(process);
                process.Start();
                afterStart(process);
                started.SetResult(process);
            }
            catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
            {
                process.Dispose();
                started.SetException(ex);
            }
        }
    }

    // Resolves a command the way a shell does (`dotnet` in worker.config.json is a name, not a path).
    public static string? FindOnPath(string name)
    {
        if (name.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return File.Exists(name) ? name : null;
        }
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
            if (OperatingSystem.IsWindows() && File.Exists(candidate + ".exe"))
            {
                return candidate + ".exe";
            }
        }
        return null;
    }

    // Ends the launcher thread: any child still running receives SIGKILL from the kernel.
    public void Dispose()
    {
        _requests.CompleteAdding();
        _thread.Join(TimeSpan.FromSeconds(5));
        _requests.Dispose();
    }
}
