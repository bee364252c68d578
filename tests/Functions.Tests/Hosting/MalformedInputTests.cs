using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microstructures.Functions.Hosting;
using Microstructures.Functions.Tests.ReferenceData;
using static Microstructures.Functions.Tests.Registrations.RegistrationTestKit;

namespace Microstructures.Functions.Tests.Hosting;

// Every HTTP function, found in the generated functions.metadata (a future one is walked without being
// listed here), is sent the malformed bodies a careless client or an attacker sends, with the right key
// where one is needed and without. None may answer 5xx: a bad request is a 4xx naming what is wrong.
public sealed class MalformedInputTests(FunctionsHost app) : IClassFixture<FunctionsHost>
{
    private static readonly IReadOnlyList<FunctionEntry> Catalog = FunctionCatalog.Read(typeof(FunctionCatalog).Assembly);

    private sealed record Body(string Family, Func<HttpContent> Content);

    private static ByteArrayContent Bytes(byte[] bytes, string contentType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    private static ByteArrayContent Text(string text, string contentType) => Bytes(Encoding.UTF8.GetBytes(text), contentType);

    private const string Form = "application/x-www-form-urlencoded";

    private static readonly Body[] Bodies =
    [
        new("form with NUL bytes", () => Text("firstName=Ca%00mille&lastName=\0&email=nul%40example.org&profession=patient&organisation=A%00&region=Normandie", Form)),
        new("form with invalid UTF-8", () => Text("firstName=%FF%FE&lastName=Exemple&email=utf8%40example.org&profession=patient&organisation=A&region=Normandie", Form)),
        new("multipart without boundary", () => Text("firstName=Camille", "multipart/form-data")),
        new("multipart with a broken boundary", () => Text("--autre\r\nContent-Disposition: form-data; name=\"firstName\"\r\n\r\nCamille\r\n", "multipart/form-data; boundary=attendu")),
        new("more than 1,024 form fields", () => Text(string.Join('&', Enumerable.Range(0, 1100).Select(i => $"champ{i}=x")), Form)),
        new("an over-long form key", () => Text(new string('k', 3000) + "=x", Form)),
        new("an over-large form value", () => Text("organisation=" + new string('v', 5 * 1024 * 1024), Form)),
        new("invalid JSON", () => Text("{\"firstName\": ", "application/json")),
        new("JSON of the wrong shape", () => Text("[null]", "application/json")),
        new("JSON with wrong types", () => Text("{\"capacity\": \"beaucoup\", \"gps\": [], \"firstName\": 3, \"contactEmails\": \"x\"}", "application/json")),
        new("JSON with invalid UTF-8", () => Bytes([.. "{\"firstName\": \""u8, 0xFF, 0xFE, .. "\"}"u8], "application/json")),
        new("JSON with a lone surrogate", () => Text("{\"firstName\": \"\\uD800\", \"name\": \"\\uDC00x\"}", "application/json")),
        new("the wrong content type", () => Text("<inscription/>", "application/xml")),
        new("a huge body", () => Bytes(Encoding.ASCII.GetBytes("[" + new string('1', 12 * 1024 * 1024) + "]"), "application/json")),
    ];

    [Fact]
    public async Task NoMalformedBodyOnAnyRouteIsAnsweredWithA5xx()
    {
        using var staff = app.CreateStaffClient();
        var eventId = await CreateEventAsync(app, capacity: 5);
        var registered = await RegisterAsync(app.CreateClient(), eventId, Person(Mail("malforme")));
        await OrgTreeApi.CreateRegionAsync(staff, "mf-region");
        await OrgTreeApi.CreateNetworkAsync(staff, "mf-rms", "mf-region");
        await OrgTreeApi.CreateMicrostructureAsync(staff, "mf-ms", "mf-rms");
        var networkKey = await OrgTreeApi.IssueKeyAsync(staff, "mf-rms");
        var ids = new Dictionary<string, string>
        {
            ["eventId"] = eventId,
            ["registrationId"] = registered.Body.GetProperty("registrationId").GetString()!,
            ["regionId"] = "mf-region",
            ["networkId"] = "mf-rms",
            ["microstructureId"] = "mf-ms",
            ["keyId"] = "kinconnue",
            ["entityType"] = "event",
            ["entityId"] = eventId,
            ["name"] = "site.css",
        };
        var routes = FunctionsOutput.ReadMetadata().Where(f => f.IsHttp).ToList();
        var failures = new List<string>();
        var calls = 0;

        foreach (var function in routes)
        {
            var access = Catalog.Single(e => e.EntryPoint == function.EntryPoint).Access;
            var rightKey = access switch
            {
                FunctionAccess.Staff => FunctionsHost.StaffKey,
                FunctionAccess.Network => networkKey,
                _ => null,
            };
            var path = FunctionsOutput.Fill(function.Route!, ids);
            foreach (var method in function.Methods.Where(m => m is "POST" or "PUT"))
            {
                foreach (var body in Bodies)
                {
                    foreach (var key in rightKey is null ? [null] : new[] { rightKey, null })
                    {
                        using var client = app.CreateClient();
                        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = body.Content() };
                        if (key is not null)
                        {
                            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
                        }
                        calls++;
                        try
                        {
                            using var response = await client.SendAsync(request);
                            if ((int)response.StatusCode >= 500)
                            {
                                failures.Add($"{function.Name} {method} {body.Family}{(key is null ? "" : " (with key)")}: {(int)response.StatusCode}");
                            }
                            else if (key is null && rightKey is not null && response.StatusCode != HttpStatusCode.Unauthorized)
                            {
                                failures.Add($"{function.Name} {method} {body.Family} without its key: {(int)response.StatusCode}, not 401");
                            }
                        }
                        catch (HttpRequestException ex)
                        {
                            failures.Add($"{function.Name} {method} {body.Family}: no answer ({ex.Message})");
                        }
                    }
                }
            }
        }

        Assert.True(calls > 300, $"only {calls} calls");
        Assert.True(failures.Count == 0, $"{failures.Count} of {calls} calls failed:\n" + string.Join('\n', failures));
    }
}
