using Microsoft.Playwright;

namespace Microstructures.EndToEnd.Pages;

// What every page must hold in a real Chromium: nothing blocked by the Content-Security-Policy, no
// script error, French, a label for every field, headings in order, a visible focus ring of at least
// 3:1 against what surrounds it (RGAA), and, on a phone, no horizontal scroll.
internal sealed class PageChecks
{
    private readonly List<string> _problems = [];

    private PageChecks(IPage page)
    {
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || message.Text.Contains("Refused to", StringComparison.Ordinal))
            {
                _problems.Add("console: " + message.Text);
            }
        };
        page.PageError += (_, error) => _problems.Add("page error: " + error);
    }

    // Call before the first navigation: the listener of securitypolicyviolation events goes in with the document.
    public static async Task<PageChecks> WatchAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.AddInitScriptAsync("""
            window.__cspViolations = [];
            document.addEventListener("securitypolicyviolation", e => window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber));
            """);
        return new PageChecks(page);
    }

    // The CSP violations and script errors seen since the page opened.
    public async Task<IReadOnlyList<string>> PolicyProblemsAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var violations = await page.EvaluateAsync<string[]>("() => window.__cspViolations || []");
        return [.. _problems, .. violations.Select(v => "csp: " + v)];
    }

    public async Task AssertPolicyRespectedAsync(IPage page, string what)
    {
        var problems = await PolicyProblemsAsync(page);
        Assert.True(problems.Count == 0, $"{what}: {string.Join(" | ", problems)}");
    }

    public static async Task AssertAccessibleAsync(IPage page, string what)
    {
        ArgumentNullException.ThrowIfNull(page);
        var problems = await page.EvaluateAsync<string[]>(AccessibilityScript);
        Assert.True(problems.Length == 0, $"{what}: {string.Join(" | ", problems)}");
        var focus = await page.EvaluateAsync<string[]>(FocusRingScript);
        Assert.True(focus.Length == 0, $"{what}: {focus.Length} elements, first: {string.Join(" | ", focus.Take(5))}");
    }

    public static async Task AssertNoHorizontalScrollAsync(IPage page, string what)
    {
        ArgumentNullException.ThrowIfNull(page);
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        Assert.True(widths[0] <= widths[1], $"{what}: the page is {widths[0]} px wide in a {widths[1]} px window");
    }

    // Screenshots of the whole page for a person to look at, when PAGES_SCREENSHOTS names a folder.
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (Environment.GetEnvironmentVariable("PAGES_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
        }
    }

    // lang="fr", one h1 and no heading level skipped (visible headings), a label (or aria name) for every
    // visible field, an alt for every image, a name for every link and button.
    private const string AccessibilityScript = """
        () => {
          const problems = [];
          const visible = el => el.getClientRects().length > 0 && !el.closest("[hidden]");
          if (document.documentElement.lang !== "fr") problems.push("lang is " + document.documentElement.lang);
          const headings = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].filter(visible);
          if (headings.filter(h => h.tagName === "H1").length !== 1) problems.push("not exactly one h1");
          let previous = 0;
          for (const h of headings) {
            const level = Number(h.tagName[1]);
            if (level > previous + 1) problems.push(`heading h${level} after h${previous}: ${h.textContent.trim()}`);
            previous = level;
          }
          for (const field of document.querySelectorAll("input, select, textarea")) {
            if (field.type === "hidden" || field.closest("[hidden]") || field.closest("template")) continue;
            if (!(field.labels?.length || field.getAttribute("aria-label") || field.getAttribute("aria-labelledby"))) problems.push("field without a label: #" + (field.id || field.name));
          }
          for (const img of document.querySelectorAll("img")) if (!img.hasAttribute("alt")) problems.push("image without alt: " + img.src);
          for (const el of document.querySelectorAll("a[href], button")) {
            if (!visible(el)) continue;
            if (!(el.textContent.trim() || el.getAttribute("aria-label"))) problems.push("unnamed " + el.outerHTML.slice(0, 80));
          }
          for (const area of document.querySelectorAll("textarea")) if (!area.maxLength || area.maxLength < 0) problems.push("textarea without maxlength: #" + area.id);
          return problems;
        }
        """;

    // Each focusable element focused in turn: its outline must be drawn, at least 2 px, and contrast
    // 3:1 or more with the background it is drawn on (the nearest ancestor's with a colour).
    private const string FocusRingScript = """
        () => {
          const problems = [];
          const rgb = s => { const m = s.match(/[\d.]+/g).map(Number); return { r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1 }; };
          const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
          const ratio = (x, y) => { const [a, b] = [lum(x), lum(y)].sort((p, q) => q - p); return (a + 0.05) / (b + 0.05); };
          const backgroundOf = el => {
            for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.a > 0.5) return c; }
            return { r: 255, g: 255, b: 255, a: 1 };
          };
          const focusables = [...document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, summary")]
            .filter(el => !el.disabled && !el.closest("[hidden]") && !el.closest(".honeypot") && (el.getClientRects().length > 0 || el.classList.contains("skip")));
          for (const el of focusables) {
            el.focus();
            if (document.activeElement !== el) continue;
            const style = getComputedStyle(el);
            const name = el.id ? "#" + el.id : el.outerHTML.slice(0, 60);
            if (style.outlineStyle === "none" || parseFloat(style.outlineWidth) < 2) { problems.push("no focus ring on " + name); continue; }
            const contrast = ratio(rgb(style.outlineColor), backgroundOf(el.parentElement));
            if (contrast < 3) problems.push(`focus ring ${contrast.toFixed(2)}:1 on ${name}`);
          }
          document.activeElement?.blur();
          return problems;
        }
        """;
}
