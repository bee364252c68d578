using Microstructures.Core.Common;
using Microstructures.Core.Registrations;

namespace Microstructures.Core.Tests.Registrations;

public sealed class RegistrationRulesTests
{
    private static RegistrationInput Valid() => new()
    {
        FirstName = " Camille ", LastName = "Exemple", Email = " Camille.Exemple@Example.org ", Profession = "psychiatre",
        Organisation = "CMP Exemple", Region = "La Réunion", AccessibilityNeeds = "  ",
    };

    [Fact]
    public void AValidRegistrationIsTrimmedAndItsAddressNormalised()
    {
        var result = RegistrationRules.Validate(Valid());

        Assert.True(result.IsSuccess);
        Assert.Equal("Camille", result.Value!.FirstName);
        Assert.Equal("camille.exemple@example.org", result.Value.Email);
        Assert.Null(result.Value.AccessibilityNeeds);
        Assert.False(result.Value.NewsletterOptIn);
    }

    [Fact]
    public void AnEmptyRegistrationNamesEveryRequiredFieldInFrench()
    {
        var result = RegistrationRules.Validate(null);

        Assert.Equal(ResultKind.Invalid, result.Kind);
        Assert.Equal(["firstName", "lastName", "email", "profession", "organisation", "region"], result.Errors.Keys);
        Assert.Equal("Indiquez votre adresse e-mail.", result.Errors["email"][0]);
    }

    [Theory]
    [InlineData("<script>")]
    [InlineData("a@b")]
    public void NamesWithMarkupOrAddressesAreRefused(string firstName)
    {
        var result = RegistrationRules.Validate(Valid() with { FirstName = firstName });

        Assert.Equal(["firstName"], result.Errors.Keys);
    }

    [Fact]
    public void EveryProfessionOfTheFormAndEveryRegionIsAccepted()
    {
        foreach (var profession in Professions.All)
        {
            Assert.True(RegistrationRules.Validate(Valid() with { Profession = profession.Code }).IsSuccess, profession.Code);
        }
        foreach (var region in Regions.All)
        {
            Assert.True(RegistrationRules.Validate(Valid() with { Region = region }).IsSuccess, region);
        }
        Assert.Equal(19, Regions.All.Count);
    }
}
