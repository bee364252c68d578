using Microstructures.Functions.Hosting;
using Microstructures.Functions.Pages;

namespace Microstructures.Functions.ReferenceData;

// The org-tree staff pages: shells without data (a browser navigation cannot send the staff key);
// their script fetches everything from the staff functions with the key.
public static class StaffPagesHttp
{
    public const string HomeHref = "/api/manage";
    public const string KeysHref = "/api/manage/keys";

    // The import's template file, an asset (its columns are OrgTreeImport.Columns; a test holds them equal).
    public const string ImportTemplate = "modele-import-arbre.csv";

    [Function("ManageHome")]
    [StaffPage]
    public static IResult Home([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/manage")] HttpRequest request) =>
        PageResults.Page(StaffHomePage.Create());

    [Function("ManageKeysPage")]
    [StaffPage]
    public static IResult Keys([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/manage/keys")] HttpRequest request) =>
        PageResults.Page(NetworkKeysPage.Create());
}
