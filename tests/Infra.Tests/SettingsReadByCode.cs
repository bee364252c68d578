using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Microstructures.Infra.Tests;

public sealed record SettingRead(string Name, bool Required, string Source);

// The settings the deployed code reads, found in its source (src/Core, src/Functions):
// - every public settable property of a class with a `const string SectionName` (the options
//   classes bound with BindConfiguration): `<Section>__<Property>`, required when [Required];
// - every string literal given to Environment.GetEnvironmentVariable or to an indexer on a
//   configuration object (`configuration["Name"]`), `:` written as `__`;
// - every `%Name%` in an attribute argument (a trigger's schedule or queue name resolved by the
//   Functions host from the app settings): required, the host does not load the function without it.
public static class SettingsReadByCode
{
    public static readonly string[] SourceFolders = ["src/Core", "src/Functions"];

    public static IReadOnlyList<SettingRead> Find()
    {
        var reads = new List<SettingRead>();
        foreach (var folder in SourceFolders)
        {
            var root = Microstructures.TestSupport.RepoPaths.Combine(folder);
            foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(Microstructures.TestSupport.RepoPaths.Root, file).Replace('\\', '/');
                if (relative.Contains("/bin/", StringComparison.Ordinal) || relative.Contains("/obj/", StringComparison.Ordinal))
                {
                    continue;
                }
                var tree = CSharpSyntaxTree.ParseText(File.ReadAllText(file), path: relative);
                reads.AddRange(OptionsProperties(tree, relative));
                reads.AddRange(DirectReads(tree, relative));
            }
        }
        // One entry per setting: required when any reader requires it.
        return [.. reads.GroupBy(r => r.Name, StringComparer.Ordinal)
            .Select(g => new SettingRead(g.Key, g.Any(r => r.Required), string.Join(", ", g.Select(r => r.Source).Distinct())))
            .OrderBy(r => r.Name, StringComparer.Ordinal)];
    }

    private static IEnumerable<SettingRead> OptionsProperties(SyntaxTree tree, string source)
    {
        foreach (var type in tree.GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>())
        {
            var section = type.Members.OfType<FieldDeclarationSyntax>()
                .Where(f => f.Modifiers.Any(SyntaxKind.ConstKeyword))
                .SelectMany(f => f.Declaration.Variables)
                .Where(v => v.Identifier.Text == "SectionName")
                .Select(v => (v.Initializer?.Value as LiteralExpressionSyntax)?.Token.ValueText)
                .SingleOrDefault();
            if (section is null)
            {
                continue;
            }
            foreach (var property in type.Members.OfType<PropertyDeclarationSyntax>())
            {
                var settable = property.AccessorList?.Accessors.Any(a =>
                    a.Kind() is SyntaxKind.SetAccessorDeclaration or SyntaxKind.InitAccessorDeclaration
                    && !a.Modifiers.Any(m => m.Kind() is SyntaxKind.PrivateKeyword or SyntaxKind.ProtectedKeyword)) == true;
                if (!property.Modifiers.Any(SyntaxKind.PublicKeyword) || property.Modifiers.Any(SyntaxKind.StaticKeyword) || !settable)
                {
                    continue;
                }
                var required = property.AttributeLists.SelectMany(l => l.Attributes)
                    .Any(a => a.Name.ToString() is "Required" or "RequiredAttribute" or "System.ComponentModel.DataAnnotations.Required");
                yield return new SettingRead($"{section}__{property.Identifier.Text}", required, $"{source} ({type.Identifier.Text})");
            }
        }
    }

    private static IEnumerable<SettingRead> DirectReads(SyntaxTree tree, string source)
    {
        foreach (var node in tree.GetRoot().DescendantNodes())
        {
            var literal = node switch
            {
                InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.Text: "GetEnvironmentVariable" } } call
                    => call.ArgumentList.Arguments.FirstOrDefault()?.Expression as LiteralExpressionSyntax,
                ElementAccessExpressionSyntax access when access.Expression.ToString().Contains("onfiguration", StringComparison.Ordinal)
                    => access.ArgumentList.Arguments.FirstOrDefault()?.Expression as LiteralExpressionSyntax,
                _ => null,
            };
            if (literal is not null && literal.IsKind(SyntaxKind.StringLiteralExpression))
            {
                yield return new SettingRead(literal.Token.ValueText.Replace(":", "__", StringComparison.Ordinal), Required: false, source);
            }
            if (node is AttributeArgumentSyntax { Expression: LiteralExpressionSyntax argument } && argument.IsKind(SyntaxKind.StringLiteralExpression)
                && argument.Token.ValueText is ['%', .. var name, '%'] && name.Length > 0 && !name.Contains('%', StringComparison.Ordinal))
            {
                yield return new SettingRead(name.Replace(":", "__", StringComparison.Ordinal), Required: true, source);
            }
        }
    }
}
