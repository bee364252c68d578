using Microstructures.Core.Audit;
using Microstructures.Core.NetworkKeys;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.ReferenceData;

// A network's keys: list, issue one (its secret answered once), revoke.
public sealed class NetworkKeysHttp(NetworkKeyService keys)
{
    [Function("ManageNetworkKeys")]
    [StaffAccess]
    public async Task<IResult> ListOrIssueAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "api/manage/networks/{networkId}/keys")] HttpRequest request,
        string networkId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (HttpMethods.IsGet(request.Method))
        {
            return (await keys.ListAsync(networkId, cancellationToken)).ToHttp();
        }
        var input = await request.ReadJsonAsync<NetworkKeyInput>(cancellationToken);
        return (await keys.IssueAsync(networkId, input, Actor.Staff, cancellationToken)).ToHttp(k => TypedResults.Created((string?)null, k));
    }

    [Function("RevokeNetworkKey")]
    [StaffAccess]
    public async Task<IResult> RevokeAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/manage/networks/{networkId}/keys/{keyId}/revoke")] HttpRequest request,
        string networkId, string keyId, CancellationToken cancellationToken) =>
        (await keys.RevokeAsync(networkId, keyId, Actor.Staff, cancellationToken)).ToHttp();
}
