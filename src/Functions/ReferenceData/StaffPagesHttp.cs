using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.ReferenceData;

// The org-tree staff pages: shells without data (a browser navigation cannot send the staff key);
// their script fetches everything from the staff functions with the key.
public static class StaffPagesHttp
{
    [Function("ManageHome")]
    [StaffPage]
    public static IResult Home([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/manage")] HttpRequest request) => ReferenceDataPages.Home();

    [Function("ManageKeysPage")]
    [StaffPage]
    public static IResult Keys([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/manage/keys")] HttpRequest request) => ReferenceDataPages.Keys();
}
