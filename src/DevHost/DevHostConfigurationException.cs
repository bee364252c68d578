namespace Microstructures.DevHost;

// A configuration error the user must fix in a file: the message names the file and the field.
public sealed class DevHostConfigurationException : Exception
{
    public DevHostConfigurationException()
    {
    }

    public DevHostConfigurationException(string message)
        : base(message)
    {
    }

    public DevHostConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DevHostConfigurationException(string filePath, string field, string problem, Exception? innerException = null)
        : base($"{filePath}: {field}: {problem}", innerException)
    {
        FilePath = filePath;
        Field = field;
    }

    public string? FilePath { get; }

    public string? Field { get; }
}
