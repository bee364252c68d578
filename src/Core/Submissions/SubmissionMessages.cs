using System.Globalization;

namespace Microstructures.Core.Submissions;

// The French messages of submissions, in one place for review. A value sent is never repeated in a
// message (it might be someone's name): messages name the line, the field and what is expected.
public static class SubmissionMessages
{
    // "Ligne 3" in a CSV file (the header is line 1), "Élément 2" in the JSON array (from 0).
    public static string Where(SubmissionFormat format, int line) =>
        format == SubmissionFormat.Csv ? $"Ligne {line}" : $"Élément {line}";

    public const string Refused = "Le fichier a été refusé en entier : rien n'a été enregistré.";

    public const string NoRows = "Le fichier ne contient aucune ligne de données : la première ligne doit nommer les colonnes, les suivantes porter les données.";

    public const string NotJson = "Le document n'est pas du JSON valide.";

    public static string JsonShape(string rowsProperty) =>
        $"Le document JSON doit être un objet portant la liste « {rowsProperty} » (voir le schéma publié).";

    public static string UnknownVocabularyVersion(string version) =>
        $"La version de nomenclature « {Safe(version)} » n'est pas connue : la version en cours est {Vocabularies.Version}.";

    public static string TooManyRows(int max) =>
        $"Le fichier dépasse {max.ToString("N0", French)} lignes : découpez-le en plusieurs envois.";

    public static string TooLarge(long maxBytes) =>
        $"Le fichier dépasse {(maxBytes / 1_000_000).ToString(CultureInfo.InvariantCulture)} Mo : découpez-le en plusieurs envois.";

    public static string UnknownColumn(string column, SubmissionKind kind) =>
        $"La colonne « {Safe(column)} » ne fait pas partie du format des {kind.Label()} : supprimez-la (aucun texte libre n'est accepté).";

    public static string DuplicateColumn(string column) => $"La colonne « {Safe(column)} » apparaît deux fois.";

    public static string MissingColumns(IReadOnlyList<string> columns, SubmissionKind kind) =>
        (columns.Count == 1 ? $"Il manque la colonne {columns[0]}" : $"Il manque les colonnes {string.Join(", ", columns)}")
        + $" : voir le modèle des {kind.Label()}.";

    public static string UnknownField(string where, string name, SubmissionKind kind) =>
        $"{where} : le champ « {Safe(name)} » ne fait pas partie du schéma des {kind.Label()} (aucun texte libre n'est accepté).";

    public static string DuplicateField(string where, string name) => $"{where} : le champ « {Safe(name)} » apparaît deux fois.";

    public static string RowNotObject(string where) => $"{where} : chaque élément doit être un objet JSON.";

    public static string NestedValue(string where, string name) =>
        $"{where}, champ « {Safe(name)} » : la valeur doit être un texte, un nombre, un booléen ou une liste de textes.";

    public static string KindMismatch(SubmissionKind kind) => $"Le document indique un autre type d'envoi que celui demandé ({kind.Slug()}).";

    public static string PeriodMismatch(SubmissionPeriod period) => $"Le document indique une autre période que celle demandée ({period}).";

    public static string Identifying(SubmissionFormat format, string where, string field, string what) =>
        $"{where}, {FieldWord(format)} « {field} » : ressemble à {what}. Les données identifiantes d'un patient sont refusées.";

    public static string PseudonymRefused(SubmissionFormat format, string where, string field, string reason) =>
        $"{where}, {FieldWord(format)} « {field} » : pseudonyme refusé. {reason}";

    public static string BirthDateRefused(SubmissionFormat format, string where, string field) =>
        $"{where}, {FieldWord(format)} « {field} » : ressemble à une date de naissance ; indiquez l'année seule.";

    // Row rules.
    public static string Required(SubmissionField field) => $"Indiquez « {field.Label} ».";

    public static string NotInteger(SubmissionField field) => $"« {field.Label} » doit être un nombre entier.";

    public static string OutOfRange(SubmissionField field, int min, int max) =>
        $"« {field.Label} » doit être compris entre {min.ToString(French)} et {max.ToString("N0", French)}.";

    public static string NotDate(SubmissionField field) => $"« {field.Label} » doit être une date au format AAAA-MM-JJ ou JJ/MM/AAAA, par exemple 2025-02-03.";

    public static string SingleValue(SubmissionField field) => $"« {field.Label} » ne prend qu'une seule valeur.";

    public static string NotInVocabulary(SubmissionField field) =>
        $"Valeur inconnue pour « {field.Label} » : choisissez parmi {field.Vocabulary!.Choices}.";

    public static string NotYesNo(SubmissionField field) => $"« {field.Label} » se remplit par oui ou non.";

    public static string Age(int age, int min, int max) =>
        $"L'année de naissance donne un âge de {age.ToString(French)} ans pendant la période : l'âge doit être compris entre {min} et {max} ans.";

    public static string InclusionAfterPeriod(SubmissionPeriod period) =>
        $"La date d'inclusion est postérieure à la fin de la période ({period.End.ToString("d MMMM yyyy", French)}).";

    public static string InclusionTooEarly(DateOnly earliest) =>
        $"La date d'inclusion ne peut pas précéder le {earliest.ToString("d MMMM yyyy", French)}.";

    public const string InclusionBeforeBirth = "La date d'inclusion précède l'année de naissance.";

    public static string MainRepeated(string mainField) => $"Ne répétez pas ici la valeur de « {mainField} ».";

    public static string MainMissing(string othersField) => $"Indiquez le produit principal, puisque « {othersField} » est rempli.";

    public static string TotalMismatch(int total, int sum, IEnumerable<string> parts) =>
        $"Le total ({total.ToString(French)}) ne correspond pas à la somme de {string.Join(" + ", parts)} ({sum.ToString(French)}).";

    public static string OtherNetworkMicrostructure(string id) =>
        $"La microstructure « {id} » n'appartient pas à votre réseau : seules vos microstructures sont acceptées.";

    public static string UnknownMicrostructure(string id) => $"Aucune microstructure de votre réseau n'a l'identifiant « {Safe(id)} ».";

    public static string MicrostructureNotOpen(string id, SubmissionPeriod period) =>
        $"La microstructure « {id} » n'était pas ouverte pendant la période ({period.Label}).";

    public static string DuplicateFiche(string first) =>
        $"Ce pseudonyme a déjà une fiche pour cette microstructure dans ce fichier ({first.ToLower(French)}) : une seule fiche par patient et par période.";

    public static string DuplicateActivity(string first) =>
        $"Cette microstructure a déjà une ligne d'activité dans ce fichier ({first.ToLower(French)}).";

    public const string ActivityEmpty = "La ligne ne porte aucun chiffre d'activité.";

    public const string NotYourReceipt = "Aucun envoi de votre réseau n'a cet identifiant.";

    public const string NotYourNetwork = "Votre clé ne donne accès qu'aux envois de votre réseau.";

    public const string KindRequired = "Indiquez le type d'envoi : patient-fiches (fiches patients) ou microstructure-activity (activité des microstructures).";

    public const string PeriodRequired = "Indiquez la période : une année (2025) ou un mois (2025-03), à partir de 2019.";

    public static string PeriodNotStarted(SubmissionPeriod period) => $"La période {period} n'a pas encore commencé.";

    public static string MoreRefusals(int count) => $"… et {count.ToString(French)} autres raisons.";

    private static string FieldWord(SubmissionFormat format) => format == SubmissionFormat.Csv ? "colonne" : "champ";

    // Column and field names are echoed only when they look like names (letters, digits, _ - $): a header
    // holding a name or a number is not repeated.
    private static string Safe(string text) =>
        text.Length <= 40 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '$' or '.' or ' ' or '(' or ')')
            && Privacy.IdentifyingData.Detect(text) is null
            ? text
            : "…";

    public static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");
}
