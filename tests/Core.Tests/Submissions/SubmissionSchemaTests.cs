using System.Text;
using System.Text.Json;
using Json.Schema;
using Microstructures.Core.ReferenceData;
using Microstructures.Core.Submissions;

namespace Microstructures.Core.Tests.Submissions;

// The published schema, layout and template, checked with an independent JSON Schema validator.
public sealed class SubmissionSchemaTests
{
    private static readonly SubmissionPeriod Year2025 = SubmissionPeriod.OfYear(2025);

    private static bool Valid(JsonSchema schema, string json)
    {
        using var document = JsonDocument.Parse(json);
        return schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List }).IsValid;
    }

    [Theory]
    [InlineData(SubmissionKind.PatientFiches)]
    [InlineData(SubmissionKind.MicrostructureActivity)]
    public void TheJsonSchemaIsDraft202012AndAcceptsTheExampleButNotFreeTextOrUnknownCodes(SubmissionKind kind)
    {
        var text = SubmissionSchema.JsonSchema(kind);
        var schema = JsonSchema.FromText(text);
        var example = SubmissionSchema.JsonExample(kind, Year2025);
        var rows = SubmissionFields.RowsProperty(kind);

        using (var document = JsonDocument.Parse(text))
        {
            Assert.Equal("https://json-schema.org/draft/2020-12/schema", document.RootElement.GetProperty("$schema").GetString());
            Assert.True(MetaSchemas.Draft202012.Evaluate(document.RootElement).IsValid);
        }
        Assert.True(Valid(schema, example));
        Assert.False(Valid(schema, example.Replace($"\"{rows}\": [", $"\"{rows}\": [{{\"microstructureId\": \"cabinet-a1\", \"note\": \"x\"}},", StringComparison.Ordinal)));
        Assert.False(Valid(schema, example.Replace("\"vocabularyVersion\"", "\"comment\": \"x\", \"vocabularyVersion\"", StringComparison.Ordinal)));
        if (kind == SubmissionKind.PatientFiches)
        {
            Assert.False(Valid(schema, example.Replace("\"alcohol\"", "\"wine\"", StringComparison.Ordinal)));
            Assert.False(Valid(schema, example.Replace("\"PAT-0001\"", "\"Jean Martin\"", StringComparison.Ordinal)));
        }
        // What the schema accepts, the platform reads without refusal.
        var (file, refusals) = SubmissionReader.Read(Encoding.UTF8.GetBytes(example), "application/json", kind, Year2025, 10);
        Assert.Empty(refusals);
        Assert.Single(file!.Rows);
    }

    [Theory]
    [InlineData(SubmissionKind.PatientFiches)]
    [InlineData(SubmissionKind.MicrostructureActivity)]
    public void TheCsvTemplateIsFrenchExcelAndReadsAsOneValidRow(SubmissionKind kind)
    {
        var template = SubmissionSchema.CsvTemplate(kind);
        var layout = SubmissionSchema.Layout(kind);

        Assert.Equal([0xEF, 0xBB, 0xBF], template[..3]);
        var lines = Encoding.UTF8.GetString(template[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal(layout.Header, lines[0]);
        Assert.Equal(SubmissionFields.Of(kind).Select(f => f.Column), layout.Columns.Select(c => c.Column));
        Assert.Equal((";", "|", Vocabularies.Version), (layout.Separator, layout.ListSeparator, layout.VocabularyVersion));
        var (file, refusals) = SubmissionReader.Read(template, null, kind, Year2025, 10);
        Assert.Empty(refusals);
        var own = new Dictionary<string, Microstructure> { ["cabinet-des-tanneurs"] = new("cabinet-des-tanneurs", "rms-a", "Cabinet", "Strasbourg", "67000", "cabinet", [], "2020-01-06", null, "") };
        var validated = SubmissionValidation.Validate(file!, kind, new SubmissionContext("rms-a", Year2025, own, new HashSet<string>()));
        Assert.Empty(validated.Errors);
        Assert.Single(validated.Rows);
        Assert.Equal($"modele-{kind.Slug()}-2026.1.csv", SubmissionSchema.CsvTemplateFileName(kind));
    }

    [Fact]
    public void VocabulariesAreClosedDocumentedListsWithUniqueCodes()
    {
        foreach (var vocabulary in Vocabularies.All)
        {
            Assert.False(string.IsNullOrWhiteSpace(vocabulary.Label + vocabulary.Description));
            Assert.Equal(vocabulary.Terms.Count, vocabulary.Codes.Distinct(StringComparer.OrdinalIgnoreCase).Count());
            Assert.All(vocabulary.Terms, t => Assert.Same(t, vocabulary.Find(t.Label)));
        }
        Assert.Equal(["F00-F09", "F20-F29", "F30-F39", "F40-F48", "F50-F59", "F60-F69", "F70-F79"], Vocabularies.Disorder.Codes);
    }
}
