namespace Microstructures.TestSupport;

public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Configuration =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Microstructures.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("Microstructures.sln not found above " + AppContext.BaseDirectory);
    }
}
