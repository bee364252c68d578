using Microstructures.Core.Forfaits;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Forfaits;

// A network's CSV import (its existing inclusions, for its first use) and export, and its figures.
public sealed class NetworkForfaitFilesHttp(ForfaitImport import, ForfaitService forfaits, ForfaitFigures figures)
{
    // The raw body is the file (text/csv), as the page's file upload sends it; its bytes go to Core,
    // which detects the encoding French Excel used.
    [Function("NetworkImportForfaits")]
    [NetworkAccess]
    public async Task<IResult> ImportAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/network/forfait-import")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await ForfaitHttp.ImportAsync(request, import, request.HttpContext.GetNetworkCaller().Actor, cancellationToken);
    }

    [Function("NetworkExportForfaits")]
    [NetworkAccess]
    public async Task<IResult> ExportAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/network/forfaits.csv")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var caller = request.HttpContext.GetNetworkCaller();
        return ForfaitHttp.Export(await forfaits.ListAsync(request.QueryValue("microstructureId"), caller.Actor, cancellationToken), $"forfaits-{caller.NetworkId}.csv");
    }

    // ?level=network (default) or microstructure&id=…: the network's own figures only.
    [Function("NetworkForfaitFigures")]
    [NetworkAccess]
    public async Task<IResult> FiguresAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/network/forfait-figures")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await ForfaitHttp.FiguresAsync(request, figures, request.HttpContext.GetNetworkCaller().Actor, cancellationToken);
    }
}
