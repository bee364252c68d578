using System.Reflection;

namespace Microstructures.Functions.Hosting;

public enum FunctionTrigger
{
    Http,
    Queue,
    Timer,
}

public sealed record FunctionEntry(
    string Name,
    string EntryPoint,
    FunctionTrigger Trigger,
    IReadOnlyList<FunctionAccess> AccessMarkers,
    bool AuditsEvent,
    AuthorizationLevel? AuthLevel,
    string? Route,
    IReadOnlyList<string> Methods,
    string? QueueName = null)
{
    public FunctionAccess? Access => AccessMarkers.Count == 1 ? AccessMarkers[0] : null;
}

// Every function of the app with the markers on its method, read once by reflection at start. The
// worker middleware looks functions up here by FunctionDefinition.EntryPoint; the app refuses to start
// when a function breaks the access rules (Problems), naming it, so a forgotten marker never opens a door.
public sealed class FunctionCatalog
{
    public const string ManagePrefix = "api/manage";
    public const string NetworkPrefix = "api/network";

    // The root "/": with host.json's empty routePrefix, an optional, always-empty parameter. An empty
    // route is read as the function's name by the host, and "/" breaks the worker's routing (see the
    // DevHost's README).
    public const string HomeRoute = "{page:maxlength(0)?}";

    private readonly Dictionary<string, FunctionEntry> _byEntryPoint;

    private FunctionCatalog(IReadOnlyList<FunctionEntry> functions)
    {
        Functions = functions;
        _byEntryPoint = functions.ToDictionary(f => f.EntryPoint, StringComparer.Ordinal);
    }

    public IReadOnlyList<FunctionEntry> Functions { get; }

    public static FunctionCatalog Load(Assembly assembly)
    {
        var functions = Read(assembly);
        var problems = Problems(functions);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("The function app refuses to start: " + string.Join(" ", problems));
        }
        return new FunctionCatalog(functions);
    }

    // The function being invoked. A function the catalog does not know is refused, never run open.
    public FunctionEntry Get(FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return _byEntryPoint.TryGetValue(context.FunctionDefinition.EntryPoint, out var entry)
            ? entry
            : throw new InvalidOperationException($"Function {context.FunctionDefinition.Name} ({context.FunctionDefinition.EntryPoint}) is not in the function catalog.");
    }

    public static IReadOnlyList<FunctionEntry> Read(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null)
            .Select(Describe)
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList();
    }

    private static FunctionEntry Describe(MethodInfo method)
    {
        var name = method.GetCustomAttribute<FunctionAttribute>()!.Name;
        var entryPoint = $"{method.DeclaringType!.FullName}.{method.Name}";
        var markers = method.GetCustomAttributes<FunctionAccessAttribute>().Select(a => a.Access).ToList();
        var audits = method.GetCustomAttribute<AuditEventAttribute>() is not null;
        var parameters = method.GetParameters();
        if (parameters.Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null) is { } http)
        {
            var methods = (http.Methods ?? []).Select(m => m.ToUpperInvariant()).Order(StringComparer.Ordinal).ToList();
            return new FunctionEntry(name, entryPoint, FunctionTrigger.Http, markers, audits, http.AuthLevel, http.Route, methods);
        }
        var queue = parameters.Select(p => p.GetCustomAttribute<QueueTriggerAttribute>()).FirstOrDefault(a => a is not null);
        var trigger = queue is not null ? FunctionTrigger.Queue
            : parameters.Any(p => p.GetCustomAttribute<TimerTriggerAttribute>() is not null) ? FunctionTrigger.Timer
            : throw new InvalidOperationException($"Function {name} has a trigger this app does not use.");
        return new FunctionEntry(name, entryPoint, trigger, markers, audits, null, null, [], queue?.QueueName);
    }

    public static bool IsUnder(string? route, string prefix) =>
        route is not null && (route.Equals(prefix, StringComparison.OrdinalIgnoreCase) || route.StartsWith(prefix + "/", StringComparison.OrdinalIgnoreCase));

    // The access rules, one sentence per broken rule, each naming its function.
    public static IReadOnlyList<string> Problems(IReadOnlyList<FunctionEntry> functions)
    {
        ArgumentNullException.ThrowIfNull(functions);
        var problems = new List<string>();
        foreach (var name in functions.GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key))
        {
            problems.Add($"{name}: two functions have this name.");
        }
        foreach (var f in functions)
        {
            if (f.Trigger != FunctionTrigger.Http)
            {
                if (f.AccessMarkers.Count > 0 || f.AuditsEvent)
                {
                    problems.Add($"{f.Name}: access and audit markers belong on HTTP functions only.");
                }
                continue;
            }
            if (f.AccessMarkers.Count != 1)
            {
                problems.Add($"{f.Name}: an HTTP function needs exactly one access marker ([PublicAccess], [StaffAccess], [StaffPage] or [NetworkAccess]); it has {f.AccessMarkers.Count}.");
            }
            if (f.AuthLevel != AuthorizationLevel.Anonymous)
            {
                problems.Add($"{f.Name}: HTTP functions are AuthorizationLevel.Anonymous; the app checks its own keys.");
            }
            if (f.Route is null || !(IsUnder(f.Route, "api") || (f.Route == HomeRoute && f.Access == FunctionAccess.Public)))
            {
                problems.Add($"{f.Name}: its route must start with api/ (the platform's public home page alone owns /, with the route {HomeRoute}).");
            }
            if (f.Methods.Count == 0)
            {
                problems.Add($"{f.Name}: an HTTP function names its methods.");
            }
            var access = f.Access;
            var staff = access is FunctionAccess.Staff or FunctionAccess.StaffPage;
            if (access is not null && IsUnder(f.Route, ManagePrefix) != staff)
            {
                problems.Add($"{f.Name}: routes under {ManagePrefix} are [StaffAccess] (or [StaffPage] for a page shell without data), and staff functions live there.");
            }
            if (access is not null && IsUnder(f.Route, NetworkPrefix) != (access == FunctionAccess.Network))
            {
                problems.Add($"{f.Name}: routes under {NetworkPrefix} are [NetworkAccess], and network functions live there.");
            }
            if (access == FunctionAccess.StaffPage && f.Methods.Any(m => m != "GET"))
            {
                problems.Add($"{f.Name}: a [StaffPage] is a page shell answered to GET only.");
            }
            if (f.AuditsEvent && (access != FunctionAccess.Staff || f.Route?.Contains("{eventId}", StringComparison.Ordinal) != true))
            {
                problems.Add($"{f.Name}: [AuditEvent] is for staff functions with {{eventId}} in their route.");
            }
        }
        return problems;
    }
}
