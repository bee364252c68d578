namespace Microstructures.Functions.Pages;

public enum NoticeKind
{
    Info,
    Ok,
    Danger,
}

public sealed record NoticeLink(string Href, string Text);

// The model of NoticePage: a title, one message, and optionally a hint and a link onwards.
public sealed record Notice(string Title, string Message, NoticeKind Kind = NoticeKind.Danger, string? Hint = null, NoticeLink? Link = null)
{
    public string CssClass => Kind switch
    {
        NoticeKind.Ok => "ok",
        NoticeKind.Danger => "danger",
        _ => "",
    };
}
