namespace Microstructures.Functions.Pages;

// What the shared layout (Layout.cshtml) needs from a page: its title (the h1, and the document title
// the layout completes), the staff navigation entry it belongs to (staff pages only) and its scripts,
// module files served from /api/assets/ (the Content-Security-Policy allows no inline script).
public sealed record PageLayout(string Title, string? StaffCurrent, IReadOnlyList<string> Scripts, bool ShowsErrors = false)
{
    public static PageLayout Public(string title, params string[] scripts) => new(title, null, scripts);

    public static PageLayout Staff(string title, string current, params string[] scripts) => new(title, current, scripts);

    public bool IsStaff => StaffCurrent is not null;

    public string DocumentTitle => PageTitles.Document(this);
}
