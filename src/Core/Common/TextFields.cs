namespace Microstructures.Core.Common;

// The one rule for text a person types, whatever it ends up in (an e-mail header, a CSV cell, a page):
// a single-line field holds no control character (no line break, tab, NUL…) nor a Unicode line or
// paragraph separator; a multi-line field keeps its line breaks (as \n) and nothing else of those.
// Invalid UTF-8 and lone surrogates never get this far: the body readers refuse them.
public static class TextFields
{
    public const string SingleLineRule = "sur une seule ligne, sans retour à la ligne ni caractère de contrôle";

    public const string MultiLineRule = "sans caractère de contrôle (les retours à la ligne sont acceptés)";

    public static bool IsSingleLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return !text.Any(IsBreakOrControl);
    }

    public static bool IsMultiLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return !text.Any(c => c is not ('\n' or '\r') && IsBreakOrControl(c));
    }

    // CR LF and lone CR as LF.
    public static string NormalizeLineBreaks(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
    }

    // Adds "{What} : sur une seule ligne, …" to the field when the text breaks the single-line rule.
    public static bool CheckSingleLine(ValidationErrors errors, string field, string? text, string what)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (text is null || IsSingleLine(text))
        {
            return true;
        }
        errors.Add(field, $"Écrivez {what} {SingleLineRule}.");
        return false;
    }

    public static bool CheckMultiLine(ValidationErrors errors, string field, string? text, string what)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (text is null || IsMultiLine(text))
        {
            return true;
        }
        errors.Add(field, $"Écrivez {what} {MultiLineRule}.");
        return false;
    }

    // For an e-mail header (a subject built from a title, a recipient's name): every run of line breaks
    // and control characters becomes one space, so nothing reaches a header unfolded whatever was stored.
    public static string OneLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (IsSingleLine(text))
        {
            return text;
        }
        var line = new System.Text.StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (!IsBreakOrControl(c))
            {
                line.Append(c);
            }
            else if (line.Length > 0 && line[^1] != ' ')
            {
                line.Append(' ');
            }
        }
        return line.ToString().Trim();
    }

    private static bool IsBreakOrControl(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';
}
