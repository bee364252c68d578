using System.Collections;
using System.Text.Json.Nodes;

namespace Microstructures.DevHost.Configuration;

// local.settings.json Values, as `func start` applies them: each Value goes into the host's
// environment unless that variable is already set (core-tools StartHostAction.UpdateEnvironmentVariables),
// so a variable of the DevHost's own environment wins over the file. --set overrides win over both.
internal sealed class LocalSettings
{
    public const string StorageSetting = "AzureWebJobsStorage";

    private readonly Dictionary<string, string> _values;
    private readonly Dictionary<string, string> _overrides;
    private readonly Dictionary<string, string> _environment;

    private LocalSettings(string path, Dictionary<string, string> values, Dictionary<string, string> overrides, Dictionary<string, string> environment, IReadOnlyList<string> missingFromFile)
    {
        Path = path;
        MissingFromFile = missingFromFile;
        _values = values;
        _overrides = overrides;
        _environment = environment;
    }

    public string Path { get; }

    // Settings the sample has and the file lacks: added to the sample after the file was copied, or
    // removed from the file on purpose (AzureWebJobsStorage for AzureWebJobsStorage__accountName). Named
    // in a warning, never applied: which of the two it is, only the developer knows.
    public IReadOnlyList<string> MissingFromFile { get; }

    // What the file (and --set) adds to the inherited environment: what the worker process gets on top of it.
    public IReadOnlyDictionary<string, string> WorkerAdditions
    {
        get
        {
            var additions = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in _values)
            {
                if (!_environment.ContainsKey(key))
                {
                    additions[key] = value;
                }
            }
            foreach (var (key, value) in _overrides)
            {
                additions[key] = value;
            }
            return additions;
        }
    }

    // A value the DevHost itself sets, winning like a --set override (the sink's webhook public key).
    public void Override(string name, string value) => _overrides[name] = value;

    public string? Get(string name) =>
        _overrides.TryGetValue(name, out var o) ? o
        : _environment.TryGetValue(name, out var e) ? e
        : _values.TryGetValue(name, out var v) ? v
        : null;

    // Every setting name whose value Get can return, for prefix lookups (Logging__LogLevel__*).
    public IEnumerable<string> Names => _overrides.Keys.Concat(_environment.Keys).Concat(_values.Keys).Distinct(StringComparer.OrdinalIgnoreCase);

    public static LocalSettings Load(DevHostOptions options)
    {
        var path = System.IO.Path.GetFullPath(options.SettingsPath ?? System.IO.Path.Combine(options.ScriptRoot, "local.settings.json"));
        var sample = options.SampleSettingsPath is { } given ? System.IO.Path.GetFullPath(given) : null;
        if (!File.Exists(path) && sample is not null)
        {
            if (!File.Exists(sample))
            {
                throw new DevHostConfigurationException(sample, "(file)", "sample settings file not found");
            }
            // First run: local.settings.json is git-ignored, the sample is committed.
            File.Copy(sample, path);
        }
        if (!File.Exists(path) && options.SettingOverrides.Count == 0)
        {
            throw new DevHostConfigurationException(path, "(file)", "settings file not found (give --sample-settings to create it)");
        }
        var values = File.Exists(path) ? ReadValues(path) : new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var missingFromFile = File.Exists(path) && sample is not null && File.Exists(sample)
            ? ReadValues(sample).Keys.Where(key => !values.ContainsKey(key)).ToList()
            : [];
        var overrides = new Dictionary<string, string>(options.SettingOverrides, StringComparer.OrdinalIgnoreCase);
        var environment = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = (string?)entry.Value ?? "";
        }
        return new LocalSettings(path, values, overrides, environment, missingFromFile);
    }

    // A settings file's Values (IsEncrypted refused, each value a string).
    private static Dictionary<string, string> ReadValues(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var root = JsonRead.ParseObjectFile(path);
        if (JsonRead.GetBool(root, "IsEncrypted") == true)
        {
            throw new DevHostConfigurationException(path, "IsEncrypted", "encrypted settings are not supported by the DevHost: store them in clear (the file is git-ignored)");
        }
        var node = JsonRead.Get(root, "Values");
        if (node is not null and not JsonObject)
        {
            throw new DevHostConfigurationException(path, "Values", "must be an object of strings");
        }
        foreach (var (key, value) in node as JsonObject ?? [])
        {
            values[key] = value switch
            {
                null => "",
                JsonValue v when v.TryGetValue<string>(out var s) => s,
                _ => value.ToJsonString(),
            };
        }
        return values;
    }

    // %Name% placeholders in bindings (queue names, schedules) resolve from settings, like the host's INameResolver.
    public string Resolve(string text, Func<string, DevHostConfigurationException> error)
    {
        var result = new System.Text.StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var start = text.IndexOf('%', i);
            if (start < 0)
            {
                result.Append(text, i, text.Length - i);
                break;
            }
            var end = text.IndexOf('%', start + 1);
            if (end < 0)
            {
                throw error($"unterminated %setting% placeholder in '{text}'");
            }
            result.Append(text, i, start - i);
            var name = text[(start + 1)..end];
            var value = Get(name) ?? throw error($"setting '{name}' used in '{text}' is not defined in {Path}");
            result.Append(value);
            i = end + 1;
        }
        return result.ToString();
    }
}
