using Microstructures.Functions.Hosting;
using Microstructures.Functions.Pages;

namespace Microstructures.Functions.Newsletter;

// The staff newsletter pages: shells without data (a browser navigation cannot send the staff key);
// their scripts read and write through the staff functions above with the key.
public static class StaffNewsletterPagesHttp
{
    public const string IssuesHref = "/api/manage/newsletter";
    public const string SubscribersHref = "/api/manage/newsletter/list";

    [Function("ManageNewsletterPage")]
    [StaffPage]
    public static IResult Issues([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/manage/newsletter")] HttpRequest request) =>
        PageResults.Page(StaffNewsletterPage.Create());

    [Function("ManageSubscribersPage")]
    [StaffPage]
    public static IResult Subscribers([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/manage/newsletter/list")] HttpRequest request) =>
        PageResults.Page(StaffSubscribersPage.Create());
}
