using Microsoft.Azure.Functions.Worker;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Tests.Hosting;

// Failing closed: a function that breaks an access rule stops the app at start, naming the function.
public sealed class FunctionCatalogTests
{
    private static FunctionEntry Http(string name, string route, params FunctionAccess[] markers) =>
        new(name, "Sample." + name, FunctionTrigger.Http, markers, AuditsEvent: false, AuthorizationLevel.Anonymous, route, ["GET"]);

    [Fact]
    public void TheAppsOwnFunctionsBreakNoRule()
    {
        var catalog = FunctionCatalog.Load(typeof(FunctionCatalog).Assembly);

        Assert.Equal(128, catalog.Functions.Count);
        Assert.Empty(FunctionCatalog.Problems(catalog.Functions));
    }

    [Theory]
    [InlineData("api/manage/secrets", new FunctionAccess[0], "exactly one access marker")]
    [InlineData("api/manage/secrets", new[] { FunctionAccess.Public }, "api/manage")]
    [InlineData("api/manage", new[] { FunctionAccess.Network }, "api/manage")]
    [InlineData("api/manage/secrets", new[] { FunctionAccess.Staff, FunctionAccess.Public }, "exactly one access marker")]
    [InlineData("api/network/secrets", new[] { FunctionAccess.Public }, "api/network")]
    [InlineData("api/network/secrets", new[] { FunctionAccess.Staff }, "api/network")]
    [InlineData("api/events/{eventId}", new[] { FunctionAccess.Staff }, "api/manage")]
    [InlineData("api/events/{eventId}", new[] { FunctionAccess.Network }, "api/network")]
    [InlineData("events/{eventId}", new[] { FunctionAccess.Public }, "api/")]
    [InlineData("{page:maxlength(0)?}", new[] { FunctionAccess.Staff }, "api/")]
    [InlineData("{page?}", new[] { FunctionAccess.Public }, "api/")]
    public void AnHttpFunctionBreakingAnAccessRuleIsNamed(string route, FunctionAccess[] markers, string rule)
    {
        var problems = FunctionCatalog.Problems([Http("Ok", "api/health", FunctionAccess.Public), Http("Leaky", route, markers)]);

        Assert.NotEmpty(problems);
        Assert.All(problems, p => Assert.StartsWith("Leaky: ", p, StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains(rule, StringComparison.Ordinal));
    }

    [Fact]
    public void AStaffPageShellAnswersGetOnlyAndAuditNeedsAStaffFunctionUnderAnEvent()
    {
        var shellThatPosts = Http("Shell", "api/manage/page", FunctionAccess.StaffPage) with { Methods = ["GET", "POST"] };
        var publicAudit = Http("PublicAudit", "api/events/{eventId}", FunctionAccess.Public) with { AuditsEvent = true };
        var functionKey = Http("FunctionKey", "api/health", FunctionAccess.Public) with { AuthLevel = AuthorizationLevel.Function };
        var markedQueue = new FunctionEntry("MarkedQueue", "Sample.MarkedQueue", FunctionTrigger.Queue, [FunctionAccess.Staff], false, null, null, []);

        var problems = FunctionCatalog.Problems([shellThatPosts, publicAudit, functionKey, markedQueue]);

        Assert.Equal(["Shell", "PublicAudit", "FunctionKey", "MarkedQueue"], problems.Select(p => p[..p.IndexOf(':', StringComparison.Ordinal)]));
    }

    [Fact]
    public void TwoFunctionsWithOneNameAreRefused()
    {
        var problems = FunctionCatalog.Problems([Http("Twice", "api/a", FunctionAccess.Public), Http("Twice", "api/b", FunctionAccess.Public)]);

        Assert.Equal("Twice: two functions have this name.", Assert.Single(problems));
    }
}
