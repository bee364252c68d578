using System.Diagnostics;
using System.Globalization;

namespace Microstructures.Bench;

// CPU time of the processes a measure involves (Azurite, the DevHost, the worker, this process) between
// two points: which of them a slow path spends its time in. Linux (/proc); a process that is gone or
// unknown counts zero.
internal sealed class CpuMeter
{
    private readonly (string Name, int Pid)[] _processes;
    private readonly TimeSpan[] _start;

    private CpuMeter((string Name, int Pid)[] processes)
    {
        _processes = processes;
        _start = processes.Select(p => Cpu(p.Pid)).ToArray();
    }

    public static CpuMeter Start(params (string Name, int Pid)[] processes) => new(processes);

    // "azurite 12.3 s, devhost 4.5 s, ..." since Start.
    public string Used() => string.Join(", ", _processes.Select((p, i) => string.Create(CultureInfo.InvariantCulture, $"{p.Name} {(Cpu(p.Pid) - _start[i]).TotalSeconds:F1} s")));

    private static TimeSpan Cpu(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.TotalProcessorTime;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return TimeSpan.Zero;
        }
    }

    // The Azurite this process started (node running azurite.js, a child of this process).
    public static int AzuritePid()
    {
        var self = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[1] == self && File.ReadAllText(Path.Combine(dir, "cmdline")).Contains("azurite", StringComparison.Ordinal))
                {
                    return int.Parse(Path.GetFileName(dir), CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return 0;
    }
}
