namespace Microstructures.DevHost;

public sealed class DevHostOptions
{
    // Folder holding host.json, one <FunctionName>/function.json per function and the handler executable.
    public required string ScriptRoot { get; set; }

    // local.settings.json; when missing it is copied from SampleSettingsPath (first run).
    public string? SettingsPath { get; set; }

    public string? SampleSettingsPath { get; set; }

    // 0 picks a free port; the CLI defaults to 7071 like `func start`.
    public int Port { get; set; }

    // Applied over local.settings.json Values (and so over the handler's environment).
    public IDictionary<string, string> SettingOverrides { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    // Send the single-encoded form the documentation shows instead of the host's double encoding.
    public bool SingleEncoded { get; set; }

    // Overrides host.json extensions.queues.maxPollingInterval (tests and ./run.sh want seconds, not a minute).
    public TimeSpan? MaxPollingInterval { get; set; }

    // No scheduled, startup or past-due timer runs: timers then run only through the admin endpoint.
    public bool DisableTimers { get; set; }

    // Defaults to a console logger; tests may pass their own.
    public ILoggerFactory? LoggerFactory { get; set; }

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
