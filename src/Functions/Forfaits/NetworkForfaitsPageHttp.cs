using Microsoft.Extensions.Options;
using Microstructures.Core.Forfaits;
using Microstructures.Functions.Hosting;
using Microstructures.Functions.Pages;

namespace Microstructures.Functions.Forfaits;

// The network coordinators' page: a shell without data, public because a browser's navigation cannot
// send the network key; its script sends the key to the [NetworkAccess] API.
public sealed class NetworkForfaitsPageHttp(IOptions<ForfaitOptions> options)
{
    [Function("NetworkForfaitsPage")]
    [PublicAccess]
    public IResult Page([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/forfaits")] HttpRequest request) =>
        PageResults.Page(NetworkForfaitsPage.Create(ForfaitPageModel.From(options.Value)));
}
