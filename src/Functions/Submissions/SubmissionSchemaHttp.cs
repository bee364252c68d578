using Microstructures.Core.Submissions;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Submissions;

// What a network needs to send its data, published without a key under /api/submissions/schema: the
// index (vocabulary version, kinds, links), each kind's JSON Schema, its CSV layout (columns, formats,
// vocabularies, rules), the CSV template French Excel opens as is, and a JSON example. All generated
// from the same field definitions as the reader (SubmissionSchema).
public sealed class SubmissionSchemaHttp(TimeProvider time)
{
    public const string BasePath = "/api/submissions/schema";

    public sealed record KindLinks(string Kind, string Label, string JsonSchema, string CsvLayout, string CsvTemplate, string JsonExample);

    public sealed record SchemaIndex(string VocabularyVersion, IReadOnlyList<string> SupportedVersions, string SubmitTo, IReadOnlyList<KindLinks> Kinds);

    private static readonly SubmissionKind[] Kinds = [SubmissionKind.PatientFiches, SubmissionKind.MicrostructureActivity];

    public static string SchemaPath(SubmissionKind kind) => $"{BasePath}/{kind.Slug()}";

    public static string TemplatePath(SubmissionKind kind) => $"{BasePath}/{kind.Slug()}/modele.csv";

    [Function("SubmissionSchemaIndex")]
    [PublicAccess]
    public static IResult Index([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/submissions/schema")] HttpRequest request) =>
        TypedResults.Ok(new SchemaIndex(Vocabularies.Version, Vocabularies.SupportedVersions,
            "POST /api/network/submissions?kind=<kind>&period=AAAA[-MM][&dryRun=true] (Authorization: Bearer <clé réseau> ; Content-Type: application/json ou text/csv)",
            Kinds.Select(k => new KindLinks(k.Slug(), k.Label(), SchemaPath(k), SchemaPath(k) + "/csv", TemplatePath(k), SchemaPath(k) + "/exemple.json")).ToList()));

    [Function("SubmissionSchema")]
    [PublicAccess]
    public static IResult Schema([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/submissions/schema/{kind}")] HttpRequest request, string kind) =>
        SubmissionKinds.Parse(kind) is { } parsed
            ? TypedResults.Text(SubmissionSchema.JsonSchema(parsed), "application/schema+json; charset=utf-8")
            : UnknownKind(kind);

    [Function("SubmissionSchemaFile")]
    [PublicAccess]
    public IResult File([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/submissions/schema/{kind}/{file}")] HttpRequest request, string kind, string file)
    {
        if (SubmissionKinds.Parse(kind) is not { } parsed)
        {
            return UnknownKind(kind);
        }
        return file switch
        {
            "csv" => TypedResults.Ok(SubmissionSchema.Layout(parsed)),
            "modele.csv" => TypedResults.File(SubmissionSchema.CsvTemplate(parsed), "text/csv; charset=utf-8", SubmissionSchema.CsvTemplateFileName(parsed)),
            "exemple.json" => TypedResults.Text(SubmissionSchema.JsonExample(parsed, SubmissionPeriod.OfYear(time.GetUtcNow().Year - 1)), "application/json; charset=utf-8"),
            _ => TypedResults.Problem(title: "Introuvable", detail: $"Fichiers publiés : csv (description des colonnes), modele.csv, exemple.json.", statusCode: StatusCodes.Status404NotFound),
        };
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult UnknownKind(string kind) =>
        TypedResults.Problem(title: "Introuvable",
            detail: $"Type d'envoi inconnu « {kind} » : {SubmissionKinds.PatientFichesSlug} ou {SubmissionKinds.MicrostructureActivitySlug}.", statusCode: StatusCodes.Status404NotFound);
}
