using Microstructures.DevHost.Configuration;
using Microstructures.DevHost.Grpc.Messages;

namespace Microstructures.DevHost.Worker;

// Prints the worker's RpcLog messages, filtered like Microsoft.Extensions.Logging filters a category:
// the setting Logging__LogLevel__<prefix> with the longest prefix of the log's category wins, then
// Logging__LogLevel__Default, then Information. (The worker reads the same settings from its
// environment and filters before sending; this also filters what an older or differently built worker sends.)
internal sealed class RpcLogWriter
{
    public const string LoggerCategory = "Microstructures.DevHost.Worker";

    private readonly List<(string Prefix, LogLevel Level)> _rules = [];
    private readonly LogLevel _default = LogLevel.Information;
    private readonly ILogger _logger;

    public RpcLogWriter(LocalSettings settings, ILoggerFactory loggerFactory)
    {
        _logger = loggerFactory.CreateLogger(LoggerCategory);
        foreach (var name in settings.Names)
        {
            string? category = null;
            foreach (var prefix in new[] { "Logging__LogLevel__", "Logging:LogLevel:" })
            {
                if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                {
                    category = name[prefix.Length..];
                }
            }
            if (category is null || !Enum.TryParse<LogLevel>(settings.Get(name), ignoreCase: true, out var level))
            {
                continue;
            }
            if (string.Equals(category, "Default", StringComparison.OrdinalIgnoreCase))
            {
                _default = level;
            }
            else
            {
                _rules.Add((category, level));
            }
        }
        _rules.Sort((a, b) => b.Prefix.Length.CompareTo(a.Prefix.Length));
    }

    public LogLevel MinimumLevel(string category)
    {
        foreach (var (prefix, level) in _rules)
        {
            if (category.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return level;
            }
        }
        return _default;
    }

    public void Write(RpcLog log, string? functionName)
    {
        var level = log.Level switch
        {
            RpcLog.Types.Level.Trace => LogLevel.Trace,
            RpcLog.Types.Level.Debug => LogLevel.Debug,
            RpcLog.Types.Level.Information => LogLevel.Information,
            RpcLog.Types.Level.Warning => LogLevel.Warning,
            RpcLog.Types.Level.Error => LogLevel.Error,
            RpcLog.Types.Level.Critical => LogLevel.Critical,
            _ => LogLevel.None,
        };
        var minimum = MinimumLevel(log.Category);
        if (level == LogLevel.None || minimum == LogLevel.None || level < minimum)
        {
            return;
        }
        // The worker sends the exception's ToString() as its message.
        var exception = log.Exception is { Message.Length: > 0 } e ? Environment.NewLine + e.Message : "";
        if (functionName is not null)
        {
            _logger.Log(level, "[{Function} {InvocationId}] {Category}: {Message}{Exception}", functionName, log.InvocationId, log.Category, log.Message, exception);
        }
        else
        {
            _logger.Log(level, "[worker] {Category}: {Message}{Exception}", log.Category, log.Message, exception);
        }
    }
}
