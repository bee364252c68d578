using Microsoft.Playwright;

namespace Microstructures.EndToEnd;

// A real Chromium (Debian's /usr/bin/chromium, installed by ./test.sh), driven by Playwright.
// Playwright's own browser download is not used: the machine's network reaches package registries only.
public sealed class Browser : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Instance { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"Chromium is missing at {ChromiumPath}: ./test.sh installs it (apt-get install chromium).");
        }
        _playwright = await Playwright.CreateAsync();
        Instance = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Instance is not null)
        {
            await Instance.DisposeAsync();
        }
        _playwright?.Dispose();
    }

    public async Task<IPage> NewPageAsync()
    {
        var context = await Instance.NewContextAsync(new BrowserNewContextOptions { Locale = "fr-FR", ViewportSize = new ViewportSize { Width = 390, Height = 844 } });
        return await context.NewPageAsync();
    }
}
