using System.Net;
using System.Net.Http.Json;

namespace Microstructures.Functions.Tests.Newsletter;

// The public subscription form and API share one budget per client address: two well-formed requests
// a minute here (one more every 30 seconds). Malformed requests are refused before they count.
public sealed class NewsletterRateLimitTests(NewsletterRateLimitTests.StrictHost app) : IClassFixture<NewsletterRateLimitTests.StrictHost>
{
    public sealed class StrictHost : FunctionsHost
    {
        protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Newsletter__MaxPerIpPerMinute"] = "2" };
    }

    [Fact]
    public async Task PastTheLimitTheApiAndThePageAnswer429WithTheTrueWaitAndMalformedRequestsNeverCount()
    {
        using var client = app.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            using var bad = await client.PostAsJsonAsync("/api/newsletter/subscriptions", new { email = "pas-une-adresse", consent = true });
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }
        using (var badForm = await client.PostAsync("/api/newsletter/subscribe", new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = NewsletterHost.Mail("sanscase") })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badForm.StatusCode); // no consent
        }

        // A forwarded-for header the caller writes does not make it another client.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/newsletter/subscriptions") { Content = JsonContent.Create(new { email = NewsletterHost.Mail($"abonne{i}"), consent = true }) };
            request.Headers.Add("X-Forwarded-For", $"198.51.100.{i + 1}");
            using var response = await client.SendAsync(request);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.InRange(response.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
                Assert.Contains("Réessayez dans 30 secondes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
        }
        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests], statuses);

        var refused = NewsletterHost.Mail("formulaire");
        using var page = await client.PostAsync("/api/newsletter/subscribe", new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = refused, ["consent"] = "on" }));
        Assert.Equal(HttpStatusCode.TooManyRequests, page.StatusCode);
        Assert.NotNull(page.Headers.RetryAfter);
        var html = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
        Assert.Contains("Trop de demandes d'abonnement", html, StringComparison.Ordinal);
        Assert.Contains("Réessayez dans 30 secondes", html, StringComparison.Ordinal);
        Assert.Null(await app.Services.Get<Microstructures.Core.Newsletter.SubscriberStore>().GetAsync(app.Services.Get<Microstructures.Core.Newsletter.SubscriberIds>().For(refused)));
    }
}
