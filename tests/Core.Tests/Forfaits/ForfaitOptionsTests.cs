using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microstructures.Core.Forfaits;

namespace Microstructures.Core.Tests.Forfaits;

public sealed class ForfaitOptionsTests
{
    private static ForfaitOptions Bind(Dictionary<string, string?> settings)
    {
        var values = new Dictionary<string, string?>
        {
            ["Forfaits:SigningKey"] = "unit-test-forfait-signing-key-0123456789",
            ["Forfaits:RemindersStartDate"] = "2026-12-01",
        };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build())
            .AddForfaits()
            .BuildServiceProvider();
        return services.GetRequiredService<IOptions<ForfaitOptions>>().Value;
    }

    [Fact]
    public void WithoutSchemesOrLeadTimesTheDefaultsApply()
    {
        var options = Bind([]);

        Assert.Equal([("equip-addict", "Equip'Addict", 806m), ("sante-mentale", "Microstructures post-Covid / santé mentale", 829m)],
            options.Schemes.Select(s => (s.Id, s.Name, s.AmountEuros)));
        Assert.Equal([60, 30, 7], options.LeadTimesDays);
        Assert.Equal((7, new DateOnly(2026, 12, 1)), (options.EscalationDaysBefore, options.RemindersStartDate!.Value));
    }

    [Fact]
    public void ConfiguredSchemesAndLeadTimesReplaceTheDefaults()
    {
        var options = Bind(new()
        {
            ["Forfaits:Schemes:0:Id"] = "equip-addict",
            ["Forfaits:Schemes:0:Name"] = "Equip'Addict",
            ["Forfaits:Schemes:0:AmountEuros"] = "810.50",
            ["Forfaits:Schemes:1:Id"] = "nouveau-dispositif",
            ["Forfaits:Schemes:1:Name"] = "Nouveau dispositif",
            ["Forfaits:Schemes:1:AmountEuros"] = "900",
            ["Forfaits:LeadTimesDays:0"] = "45",
            ["Forfaits:LeadTimesDays:1"] = "10",
            ["Forfaits:EscalationDaysBefore"] = "5",
        });

        Assert.Equal([("equip-addict", 810.50m), ("nouveau-dispositif", 900m)], options.Schemes.Select(s => (s.Id, s.AmountEuros)));
        Assert.Equal([45, 10], options.LeadTimesDays);
        Assert.Equal(5, options.EscalationDaysBefore);
    }

    [Theory]
    [InlineData("Forfaits:RemindersStartDate", "", "RemindersStartDate")]
    [InlineData("Forfaits:SigningKey", "trop-courte", "SigningKey")]
    [InlineData("Forfaits:LeadTimesDays:0", "0", "LeadTimesDays")]
    [InlineData("Forfaits:EscalationDaysBefore", "0", "EscalationDaysBefore")]
    public void AMissingOrWrongSettingFailsWithItsName(string key, string value, string named)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(new() { [key] = value }));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ASchemeIdThatIsNoSlugOrTwiceTheSameIsRefused()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(new()
        {
            ["Forfaits:Schemes:0:Id"] = "Equip Addict",
            ["Forfaits:Schemes:0:Name"] = "Equip'Addict",
            ["Forfaits:Schemes:0:AmountEuros"] = "806",
            ["Forfaits:Schemes:1:Id"] = "autre",
            ["Forfaits:Schemes:1:Name"] = "Autre",
            ["Forfaits:Schemes:1:AmountEuros"] = "1",
            ["Forfaits:Schemes:2:Id"] = "autre",
            ["Forfaits:Schemes:2:Name"] = "Autre encore",
            ["Forfaits:Schemes:2:AmountEuros"] = "2",
        }));

        Assert.Contains("Forfaits:Schemes:0:Id must be a slug", error.Message, StringComparison.Ordinal);
        Assert.Contains("Forfaits:Schemes has the id 'autre' twice", error.Message, StringComparison.Ordinal);
    }
}
