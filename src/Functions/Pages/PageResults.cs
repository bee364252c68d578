using System.Text.Encodings.Web;
using System.Text.Unicode;
using RazorSlices;

namespace Microstructures.Functions.Pages;

// A page as an HTTP answer. RazorSlices renders straight to the response; HttpErrorMiddleware executes
// every result into a buffer first, so a template that throws half-way answers the error page, never a
// truncated 200.
public static class PageResults
{
    // Pages are UTF-8: templates encode what HTML needs (< > & " ') and leave "é" as it is.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public static IResult Page(RazorSlice slice, int statusCode = StatusCodes.Status200OK)
    {
        ArgumentNullException.ThrowIfNull(slice);
        var result = TypedResults.RazorSlice(slice, statusCode);
        result.HtmlEncoder = Encoder;
        return result;
    }

    public static IResult Notice(Notice notice, int statusCode) => Page(NoticePage.Create(notice), statusCode);
}
