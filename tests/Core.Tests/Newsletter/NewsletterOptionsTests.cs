using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microstructures.Core.Newsletter;

namespace Microstructures.Core.Tests.Newsletter;

public sealed class NewsletterOptionsTests
{
    private static readonly Dictionary<string, string?> Required = new()
    {
        ["Newsletter:SigningKey"] = "unit-test-newsletter-signing-key-0123456789",
        ["Newsletter:AddressHashKey"] = "unit-test-newsletter-address-key-0123456789",
        ["Newsletter:StaffAlertAddress"] = "equipe@example.org",
        ["Newsletter:PostalAddress"] = "1 rue de l'Exemple, 67000 Strasbourg",
    };

    private static NewsletterOptions Resolve(IDictionary<string, string?> values)
    {
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        services.AddOptions<NewsletterOptions>().BindConfiguration(NewsletterOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<NewsletterOptions>>().Value;
    }

    [Fact]
    public void DefaultsAreTheFirstTuesdayAtNineAndTheLegalDelays()
    {
        var options = Resolve(Required);

        Assert.Equal(("FirstTuesday", 9), (options.SendDay, options.SendHour));
        Assert.Equal((3, 30, 1000), (options.RetentionYears, options.RepermissionLeadDays, options.BatchSize));
        Assert.Equal(TimeSpan.FromDays(7), options.ConfirmationLinkValidity);
        Assert.Equal(TimeSpan.FromMinutes(15), options.ReconcileDelay);
    }

    [Theory]
    [InlineData("Newsletter:SigningKey", null, "SigningKey")]
    [InlineData("Newsletter:SigningKey", "short", "SigningKey")]
    [InlineData("Newsletter:AddressHashKey", null, "AddressHashKey")]
    [InlineData("Newsletter:StaffAlertAddress", "pas-une-adresse", "StaffAlertAddress")]
    [InlineData("Newsletter:PostalAddress", null, "PostalAddress")]
    [InlineData("Newsletter:SendDay", "LastFriday", "SendDay")]
    [InlineData("Newsletter:SendHour", "24", "SendHour")]
    [InlineData("Newsletter:BatchSize", "1001", "BatchSize")]
    public void AMissingOrWrongSettingFailsNamingIt(string key, string? value, string named)
    {
        var values = new Dictionary<string, string?>(Required) { [key] = value };

        var failure = Assert.Throws<OptionsValidationException>(() => Resolve(values));

        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }
}
