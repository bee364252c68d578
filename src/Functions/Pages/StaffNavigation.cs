namespace Microstructures.Functions.Pages;

public sealed record StaffNavItem(string Href, string Label);

// Staff navigation: one entry per staff feature, in the order shown (the home page links to them too).
public static class StaffNavigation
{
    public static IReadOnlyList<StaffNavItem> Items { get; } =
    [
        new("/api/manage", "Accueil"),
        new("/api/manage/keys", "Clés réseau"),
        new("/api/manage/events", "Événements"),
        new("/api/manage/forfaits", "Forfaits"),
        new("/api/manage/newsletter", "Lettre d'information"),
        new("/api/manage/newsletter/list", "Abonnés"),
        new("/api/manage/submissions", "Données d'activité"),
        new("/api/manage/queues", "Messages en échec"),
        new("/api/manage/dashboard", "Indicateurs"),
    ];
}
