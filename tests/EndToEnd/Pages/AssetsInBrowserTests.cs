using Microstructures.TestSupport;

namespace Microstructures.EndToEnd.Pages;

public sealed class AssetsInBrowserTests(Azurite azurite, Browser browser) : IClassFixture<Azurite>, IClassFixture<Browser>
{
    [Fact]
    public async Task TheStylesheetIsServedToARealBrowser()
    {
        await using var app = await DevHostApp.StartAsync(azurite);
        var page = await browser.NewPageAsync();

        var response = await page.GotoAsync(new Uri(app.BaseUrl, "api/assets/site.css").ToString());

        Assert.NotNull(response);
        Assert.Equal(200, response.Status);
        Assert.StartsWith("text/css", response.Headers["content-type"], StringComparison.Ordinal);
        Assert.Contains("--accent", await response.TextAsync(), StringComparison.Ordinal);
    }
}
