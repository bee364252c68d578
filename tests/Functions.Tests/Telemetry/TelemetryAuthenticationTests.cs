using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Tests.Telemetry;

// The identity the exporter authenticates as, from the setting the Bicep writes
// ("ClientId=<identity client id>;Authorization=AAD") and the storage identity's client id.
public sealed class TelemetryAuthenticationTests
{
    [Theory]
    [InlineData("ClientId=11111111-2222-3333-4444-555555555555;Authorization=AAD", null, "11111111-2222-3333-4444-555555555555")]
    [InlineData("Authorization=AAD; ClientId=abc", "storage-id", "abc")]
    [InlineData("authorization=aad", "storage-id", "storage-id")]
    [InlineData(null, "storage-id", "storage-id")]
    [InlineData("", "storage-id", "storage-id")]
    public void TheClientIdComesFromTheAuthenticationStringElseFromTheStorageIdentity(string? authentication, string? storageClientId, string expected) =>
        Assert.Equal(new TelemetryIdentity(expected), TelemetryAuthentication.Identity(authentication, storageClientId));

    [Fact]
    public void AadWithoutAnyClientIdIsTheSystemAssignedIdentity() =>
        Assert.Equal(new TelemetryIdentity(null), TelemetryAuthentication.Identity("Authorization=AAD", null));

    [Fact]
    public void WithoutEitherNoTokenIsSent() =>
        Assert.Null(TelemetryAuthentication.Identity(null, null));

    [Theory]
    [InlineData("ClientId=abc")]
    [InlineData("Authorization=Key;ClientId=abc")]
    [InlineData("ClientId=abc;Authorization=AAD;Tenant=x")]
    [InlineData("AAD")]
    public void AnythingElseStopsTheStartNamingTheSetting(string authentication)
    {
        var error = Assert.Throws<InvalidOperationException>(() => TelemetryAuthentication.Identity(authentication, "storage-id"));
        Assert.Contains("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", error.Message, StringComparison.Ordinal);
    }
}
