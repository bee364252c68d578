using System.Text.Json.Nodes;

namespace Microstructures.DevHost.Configuration;

// local.settings.json Values (+ overrides): the handler's environment, like `func start`.
internal sealed class LocalSettings
{
    public const string StorageSetting = "AzureWebJobsStorage";

    private LocalSettings(string path, Dictionary<string, string> values)
    {
        Path = path;
        Values = values;
    }

    public string Path { get; }

    public IReadOnlyDictionary<string, string> Values { get; }

    public string? Get(string name) => Values.TryGetValue(name, out var value) ? value : null;

    public static LocalSettings Load(DevHostOptions options)
    {
        var path = System.IO.Path.GetFullPath(options.SettingsPath ?? System.IO.Path.Combine(options.ScriptRoot, "local.settings.json"));
        if (!File.Exists(path) && options.SampleSettingsPath is { } sample)
        {
            if (!File.Exists(sample))
            {
                throw new DevHostConfigurationException(System.IO.Path.GetFullPath(sample), "(file)", "sample settings file not found");
            }
            // First run: local.settings.json is git-ignored, the sample is committed.
            File.Copy(sample, path);
        }
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (File.Exists(path))
        {
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
        }
        else if (options.SettingOverrides.Count == 0)
        {
            throw new DevHostConfigurationException(path, "(file)", "settings file not found (give --sample-settings to create it)");
        }
        foreach (var (key, value) in options.SettingOverrides)
        {
            values[key] = value;
        }
        return new LocalSettings(path, values);
    }

    // %Name% placeholders in function.json (queue names, schedules) resolve from settings, like the host's INameResolver.
    public string Resolve(string text, string filePath, string field)
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
                throw new DevHostConfigurationException(filePath, field, $"unterminated %setting% placeholder in '{text}'");
            }
            result.Append(text, i, start - i);
            var name = text[(start + 1)..end];
            var value = Get(name)
                ?? throw new DevHostConfigurationException(filePath, field, $"setting '{name}' used in '{text}' is not defined in {Path}");
            result.Append(value);
            i = end + 1;
        }
        return result.ToString();
    }
}
