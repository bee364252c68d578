namespace Microstructures.DevHost;

// A configuration error the user must fix: the message names the file, the function when there is
// one, and the field.
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

    // A function's binding: "<file>: function '<Name>': <field>: <problem>".
    public DevHostConfigurationException(string filePath, string functionName, string field, string problem, Exception? innerException = null)
        : base($"{filePath}: function '{functionName}': {field}: {problem}", innerException)
    {
        FilePath = filePath;
        FunctionName = functionName;
        Field = field;
    }

    public string? FilePath { get; }

    public string? FunctionName { get; }

    public string? Field { get; }
}
