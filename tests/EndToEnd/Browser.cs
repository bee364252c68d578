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
        Instance = await LaunchAsync();
    }

    // Another Chromium for a test that needs launch flags of its own (a fake camera); the caller disposes it.
    public Task<IBrowser> LaunchAsync(params string[] extraArgs) =>
        _playwright!.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", .. extraArgs],
        });

    public async Task DisposeAsync()
    {
        if (Instance is not null)
        {
            await Instance.DisposeAsync();
        }
        _playwright?.Dispose();
    }

    public Task<IPage> NewPageAsync() => NewPageAsync(Instance);

    // A phone-sized French page, as the public pages are used.
    public static async Task<IPage> NewPageAsync(IBrowser browser)
    {
        ArgumentNullException.ThrowIfNull(browser);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "fr-FR", ViewportSize = new ViewportSize { Width = 390, Height = 844 } });
        return await context.NewPageAsync();
    }
}
