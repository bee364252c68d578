using System.Net.Http.Headers;

namespace Microstructures.EndToEnd;

// An HttpClient that calls the platform as the CNRMS staff (or a network) would: a bearer key on every request.
internal static class StaffClient
{
    public static HttpClient For(Uri baseUrl, string key)
    {
        var client = new HttpClient { BaseAddress = baseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
