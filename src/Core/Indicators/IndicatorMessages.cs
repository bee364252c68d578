namespace Microstructures.Core.Indicators;

// The French messages of the indicators, in one place for review.
public static class IndicatorMessages
{
    public const string BadPeriod = "Indiquez une année à partir de 2019 et, si besoin, un mois de 1 à 12.";

    public const string MicrostructureNotPublished = "Les chiffres d'une microstructure ne sont publiés qu'à son réseau et à l'équipe CNRMS.";

    public static string NotFound(IndicatorLevel level, string? id) => level switch
    {
        IndicatorLevel.Region => $"Aucune région n'a l'identifiant « {id} ».",
        IndicatorLevel.Network => $"Aucun réseau n'a l'identifiant « {id} ».",
        IndicatorLevel.Microstructure => $"Aucune microstructure n'a l'identifiant « {id} ».",
        _ => "Niveau inconnu.",
    };

    public static string LevelLabel(IndicatorLevel level) => level switch
    {
        IndicatorLevel.Microstructure => "microstructure",
        IndicatorLevel.Network => "réseau",
        IndicatorLevel.Region => "région",
        _ => "nation",
    };

    public static string UnitLabel(IndicatorUnit unit) => unit switch
    {
        IndicatorUnit.Patients => "patients",
        IndicatorUnit.Percent => "%",
        IndicatorUnit.Years => "ans",
        IndicatorUnit.Ratio => "ratio",
        IndicatorUnit.Acts => "actes",
        IndicatorUnit.Meetings => "réunions",
        IndicatorUnit.Microstructures => "microstructures",
        _ => "professionnels",
    };

    public const string Suppressed = "masqué";
}
