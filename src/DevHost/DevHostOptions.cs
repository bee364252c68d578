namespace Microstructures.DevHost;

public sealed class DevHostOptions
{
    // The isolated worker's build (or publish) output folder: worker.config.json, functions.metadata,
    // host.json and the worker's assembly.
    public required string ScriptRoot { get; set; }

    // local.settings.json; when missing it is copied from SampleSettingsPath (first run).
    public string? SettingsPath { get; set; }

    public string? SampleSettingsPath { get; set; }

    // 0 picks a free port; the CLI defaults to 7071 like `func start`.
    public int Port { get; set; }

    // Applied over local.settings.json Values and the inherited environment (and so over the worker's environment).
    public IDictionary<string, string> SettingOverrides { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    // Overrides host.json extensions.queues.maxPollingInterval (tests and ./run.sh want seconds, not a minute).
    public TimeSpan? MaxPollingInterval { get; set; }

    // No scheduled, startup or past-due timer runs: timers then run only through the admin endpoint.
    public bool DisableTimers { get; set; }

    // A restarted worker starts no sooner than this after the previous start (the host's
    // WorkerProcessCountOptions.ProcessRestartInterval, 10 s); tests shorten it.
    public TimeSpan WorkerRestartInterval { get; set; } = TimeSpan.FromSeconds(10);

    // Defaults to a console logger; tests may pass their own.
    public ILoggerFactory? LoggerFactory { get; set; }

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
