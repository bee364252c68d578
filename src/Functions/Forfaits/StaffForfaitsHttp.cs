using Microsoft.Extensions.Options;
using Microstructures.Core.Audit;
using Microstructures.Core.Forfaits;
using Microstructures.Functions.Hosting;
using Microstructures.Functions.Pages;

namespace Microstructures.Functions.Forfaits;

// The staff's forfaits: the page (a shell without data), the list, figures at every level, the preview
// of a reminder run, the CSV import on a network's behalf and the export.
public sealed class StaffForfaitsHttp(ForfaitService forfaits, ForfaitFigures figures, ForfaitImport import, IOptions<ForfaitOptions> options)
{
    [Function("ManageForfaitsPage")]
    [StaffPage]
    public IResult Page([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/manage/forfaits")] HttpRequest request) =>
        PageResults.Page(StaffForfaitsPage.Create(ForfaitPageModel.From(options.Value)));

    // Every forfait (?microstructureId= for one microstructure's), soonest end first.
    [Function("ManageForfaitList")]
    [StaffAccess]
    public async Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/manage/forfaits/list")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (await forfaits.ListAsync(request.QueryValue("microstructureId"), Actor.Staff, cancellationToken)).ToHttp();
    }

    [Function("ManageForfaitFigures")]
    [StaffAccess]
    public async Task<IResult> FiguresAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/manage/forfaits/figures")] HttpRequest request,
        CancellationToken cancellationToken) =>
        await ForfaitHttp.FiguresAsync(request, figures, Actor.Staff, cancellationToken);

    [Function("ManageImportForfaits")]
    [StaffAccess]
    public async Task<IResult> ImportAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/manage/forfaits/import")] HttpRequest request,
        CancellationToken cancellationToken) =>
        await ForfaitHttp.ImportAsync(request, import, Actor.Staff, cancellationToken);

    [Function("ManageExportForfaits")]
    [StaffAccess]
    public async Task<IResult> ExportAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/manage/forfaits.csv")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ForfaitHttp.Export(await forfaits.ListAsync(request.QueryValue("microstructureId"), Actor.Staff, cancellationToken), "forfaits.csv");
    }
}
