using Microstructures.DevHost.Http;

namespace Microstructures.DevHost.Tests.Http;

public sealed class RouteTemplateTests
{
    [Theory]
    [InlineData("events/{id}", "events/42", true)]
    [InlineData("events/{id}", "Events/42", true)]
    [InlineData("events/{id}", "events", false)]
    [InlineData("events/{id}", "events/42/x", false)]
    [InlineData("events/{id?}", "events", true)]
    [InlineData("events/{id:int}", "events/abc", false)]
    [InlineData("events/{id:int}", "events/12", true)]
    [InlineData("events/{id:guid}", "events/3f2a", false)]
    [InlineData("files/{*rest}", "files", true)]
    [InlineData("files/{*rest}", "files/a/b/c", true)]
    [InlineData("files/{**rest}", "files/a/b", true)]
    [InlineData("report.{format}", "report.csv", true)]
    [InlineData("report.{format}", "summary.csv", false)]
    public void Matches(string template, string path, bool expected) =>
        Assert.Equal(expected, RouteTemplate.Parse(template).Matches(path.Split('/')));

    [Fact]
    public void LiteralSegmentsArePreferredOverParameters()
    {
        var literal = RouteTemplate.Parse("events/archive");
        var parameter = RouteTemplate.Parse("events/{id}");
        var catchAll = RouteTemplate.Parse("events/{*rest}");
        Assert.True(RouteTemplate.CompareSpecificity(literal, parameter) < 0);
        Assert.True(RouteTemplate.CompareSpecificity(parameter, catchAll) < 0);
        Assert.True(RouteTemplate.CompareSpecificity(RouteTemplate.Parse("events/{id:int}"), parameter) < 0);
    }

    [Fact]
    public void MatchingCollectsTheRouteValues()
    {
        var values = new Dictionary<string, string>();
        Assert.True(RouteTemplate.Parse("api/events/{eventId}/files/{*rest}").TryMatch(["api", "events", "e-1", "files", "a", "b.txt"], values));

        Assert.Equal("e-1", values["eventId"]);
        Assert.Equal("a/b.txt", values["rest"]);
    }

    [Theory]
    [InlineData("{page:maxlength(0)?}", "", true)]
    [InlineData("{page:maxlength(0)?}", "x", false)]
    public void AnOptionalEmptyParameterMatchesTheRootOnly(string template, string path, bool expected) =>
        Assert.Equal(expected, RouteTemplate.Parse(template).Matches(path.Length == 0 ? [] : path.Split('/')));
}
