using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microstructures.Core.ReferenceData;

namespace Microstructures.Core.Submissions;

public sealed record CsvColumn(string Column, string JsonName, string Label, bool Required, string Format, IReadOnlyList<VocabularyTerm> Values, string Example, string Description);

public sealed record CsvLayout(
    string Kind, string VocabularyVersion, string Separator, string Encoding, string ListSeparator, string Dates, string YesNo,
    string Header, IReadOnlyList<CsvColumn> Columns, IReadOnlyList<string> Rules);

// The published description of the two submission kinds, all generated from SubmissionFields and the
// vocabularies: a JSON Schema (draft 2020-12) per kind, the CSV layout, and a CSV template that French
// Excel opens as is (UTF-8 with BOM, ';', CRLF). The functions layer serves them under /api/submissions/schema.
public static class SubmissionSchema
{
    public const string Draft = "https://json-schema.org/draft/2020-12/schema";

    public static string Id(SubmissionKind kind) => $"urn:cnrms:submissions:{kind.Slug()}:{Vocabularies.Version}";

    public static string JsonSchema(SubmissionKind kind) =>
        JsonSchemaNode(kind).ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    public static JsonObject JsonSchemaNode(SubmissionKind kind)
    {
        var fields = SubmissionFields.Of(kind);
        var rowsProperty = SubmissionFields.RowsProperty(kind);
        var row = new JsonObject
        {
            ["type"] = "object",
            ["title"] = kind == SubmissionKind.PatientFiches ? "Fiche patient" : "Activité d'une microstructure",
            ["properties"] = new JsonObject(fields.Select(f => KeyValuePair.Create(f.Name, (JsonNode?)FieldSchema(f)))),
            ["required"] = new JsonArray(fields.Where(f => f.Required).Select(f => (JsonNode?)f.Name).ToArray()),
            ["additionalProperties"] = false,
        };
        return new JsonObject
        {
            ["$schema"] = Draft,
            ["$id"] = Id(kind),
            ["title"] = $"Envoi de {kind.Label()} (nomenclature {Vocabularies.Version})",
            ["description"] = "Données pseudonymes d'activité des microstructures, pour une période (année AAAA ou mois AAAA-MM) donnée dans la requête. "
                + "Aucun champ de texte libre : tout champ hors de ce schéma, et toute donnée identifiante (nom, date de naissance, adresse, téléphone, e-mail, numéro de sécurité sociale), fait refuser l'envoi en entier.",
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["$schema"] = new JsonObject { ["type"] = "string" },
                ["vocabularyVersion"] = new JsonObject
                {
                    ["description"] = "Version des nomenclatures utilisée (facultatif ; la version en cours par défaut).",
                    ["enum"] = new JsonArray(Vocabularies.SupportedVersions.Select(v => (JsonNode?)v).ToArray()),
                },
                ["kind"] = new JsonObject { ["const"] = kind.Slug() },
                ["period"] = new JsonObject { ["type"] = "string", ["pattern"] = "^[0-9]{4}(-(0[1-9]|1[0-2]))?$", ["description"] = "Période, si elle est rappelée : doit être celle de la requête." },
                [rowsProperty] = new JsonObject { ["type"] = "array", ["minItems"] = 1, ["items"] = row },
            },
            ["required"] = new JsonArray(rowsProperty),
            ["additionalProperties"] = false,
        };
    }

    private static JsonObject FieldSchema(SubmissionField field)
    {
        var schema = new JsonObject { ["title"] = field.Label, ["description"] = field.Description };
        switch (field.Type)
        {
            case FieldType.MicrostructureId:
                schema["type"] = "string";
                schema["pattern"] = "^[a-z0-9]+(-[a-z0-9]+)*$";
                schema["maxLength"] = Slugs.MaxLength;
                break;
            case FieldType.Pseudonym:
                schema["type"] = "string";
                schema["pattern"] = "^[A-Za-z0-9-]{3,24}$";
                break;
            case FieldType.BirthYear:
                schema["type"] = "integer";
                schema["minimum"] = 1900;
                schema["maximum"] = 2100;
                break;
            case FieldType.Date:
                schema["type"] = "string";
                schema["pattern"] = "^([0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{2}/[0-9]{2}/[0-9]{4})$";
                break;
            case FieldType.Code:
                schema["enum"] = Codes(field.Vocabulary!);
                schema["description"] = field.Description + " Valeurs : " + field.Vocabulary!.Choices + ".";
                break;
            case FieldType.Codes:
                schema["type"] = "array";
                schema["items"] = new JsonObject { ["enum"] = Codes(field.Vocabulary!) };
                schema["uniqueItems"] = true;
                schema["description"] = field.Description + " Valeurs : " + field.Vocabulary!.Choices + ".";
                break;
            case FieldType.YesNo:
                schema["type"] = "boolean";
                break;
            default:
                schema["type"] = "integer";
                schema["minimum"] = 0;
                schema["maximum"] = field.Max;
                break;
        }
        return schema;
    }

    private static JsonArray Codes(Vocabulary vocabulary) => new(vocabulary.Codes.Select(c => (JsonNode?)c).ToArray());

    public static CsvLayout Layout(SubmissionKind kind)
    {
        var fields = SubmissionFields.Of(kind);
        var rules = new List<string>
        {
            "Une ligne par " + (kind == SubmissionKind.PatientFiches ? "patient suivi pendant la période (fiche), identifié par son pseudonyme et sa microstructure." : "microstructure."),
            "La première ligne nomme les colonnes ; leur ordre est libre ; les intitulés sont lus sans tenir compte des majuscules, des accents ni de la ponctuation.",
            "Une colonne hors de cette liste, ou une donnée identifiante dans n'importe quelle case, fait refuser tout le fichier, sans rien enregistrer.",
            "Une case vide veut dire « non renseigné » ; une ligne en erreur est seule rejetée, avec sa raison.",
            "Une nomenclature accepte le code ou l'intitulé français.",
            "Un total, s'il est donné, doit être égal à la somme de ses parties (une partie vide compte pour zéro).",
        };
        if (kind == SubmissionKind.PatientFiches)
        {
            rules.Add($"L'année de naissance donne un âge de {SubmissionValidation.MinAge} à {SubmissionValidation.MaxAge} ans pendant la période ; la date d'inclusion ne dépasse pas la fin de la période.");
            rules.Add("Le motif principal et le produit principal ne se répètent pas dans les autres motifs ou produits.");
            rules.Add("Une fiche renvoyée (même pseudonyme, même microstructure, même période) remplace la précédente.");
        }
        else
        {
            rules.Add("Une ligne renvoyée pour la même microstructure et la même période remplace la précédente.");
        }
        return new CsvLayout(
            kind.Slug(), Vocabularies.Version, ";", "UTF-8 avec BOM (Windows-1252 est aussi lu)", SubmissionFields.ListSeparator.ToString(),
            "AAAA-MM-JJ ou JJ/MM/AAAA", "oui ou non", string.Join(';', fields.Select(f => f.Column)),
            fields.Select(f => new CsvColumn(f.Column, f.Name, f.Label, f.Required, Format(f), f.Vocabulary?.Terms ?? [], f.Example, f.Description)).ToList(),
            rules);
    }

    private static string Format(SubmissionField field) => field.Type switch
    {
        FieldType.MicrostructureId => "identifiant de microstructure",
        FieldType.Pseudonym => "pseudonyme (3 à 24 caractères A-Z, 0-9, -)",
        FieldType.BirthYear => "année sur 4 chiffres",
        FieldType.Date => "date AAAA-MM-JJ ou JJ/MM/AAAA",
        FieldType.Code => "une valeur de la nomenclature",
        FieldType.Codes => $"valeurs de la nomenclature séparées par « {SubmissionFields.ListSeparator} »",
        FieldType.YesNo => "oui ou non",
        _ => $"nombre entier de 0 à {field.Max.ToString("N0", SubmissionMessages.French)}",
    };

    // Header and one example row of fictional values, as French Excel saves "CSV UTF-8".
    public static byte[] CsvTemplate(SubmissionKind kind)
    {
        var fields = SubmissionFields.Of(kind);
        var text = string.Join(';', fields.Select(f => f.Column)) + "\r\n" + string.Join(';', fields.Select(f => f.Example)) + "\r\n";
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)];
    }

    public static string CsvTemplateFileName(SubmissionKind kind) => $"modele-{kind.Slug()}-{Vocabularies.Version}.csv";

    // The same example as a JSON document valid against the schema.
    public static string JsonExample(SubmissionKind kind, SubmissionPeriod period)
    {
        var row = new JsonObject();
        foreach (var field in SubmissionFields.Of(kind))
        {
            row[field.Name] = field.Type switch
            {
                FieldType.BirthYear or FieldType.Count => int.Parse(field.Example, System.Globalization.CultureInfo.InvariantCulture),
                FieldType.Codes => new JsonArray(field.Example.Split(SubmissionFields.ListSeparator).Select(c => (JsonNode?)c).ToArray()),
                FieldType.YesNo => field.Example == "yes",
                _ => field.Example,
            };
        }
        var document = new JsonObject
        {
            ["vocabularyVersion"] = Vocabularies.Version,
            ["kind"] = kind.Slug(),
            ["period"] = period.ToString(),
            [SubmissionFields.RowsProperty(kind)] = new JsonArray(row),
        };
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
