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

    // Names end up in e-mail headers (the recipient's name) and in exports: one line, no control character.
    [Theory]
    [InlineData("firstName", "Camille\r\nBcc: tous@example.org")]
    [InlineData("lastName", "Exe\0mple")]
    [InlineData("organisation", "Cabinet\tdu Parc")]
    [InlineData("organisation", "Cabinet\u2028du Parc")]
    [InlineData("organisation", "Cabinet\u0085du Parc")]
    public void ASingleLineFieldRefusesControlCharactersInFrench(string field, string value)
    {
        var input = field switch
        {
            "firstName" => Valid() with { FirstName = value },
            "lastName" => Valid() with { LastName = value },
            _ => Valid() with { Organisation = value },
        };

        var result = RegistrationRules.Validate(input);

        Assert.Equal([field], result.Errors.Keys);
        Assert.Contains("retour à la ligne", result.Errors[field][0], StringComparison.Ordinal);
    }

    [Fact]
    public void AnAnswerToAnExtraQuestionIsOneLine()
    {
        var result = RegistrationRules.Validate(Valid() with { Answers = new Dictionary<string, string?> { ["atelier"] = "A\nB" } }, [new ExtraQuestion("atelier", "Atelier")]);

        Assert.Equal(["answers.atelier"], result.Errors.Keys);
    }

    // A multi-line field keeps its line breaks (as \n) and nothing else of the control characters.
    [Fact]
    public void TheAccessibilityNeedsKeepLineBreaksOnly()
    {
        var kept = RegistrationRules.Validate(Valid() with { AccessibilityNeeds = "Fauteuil\r\nBoucle magnétique\rPlace réservée" });
        var refused = RegistrationRules.Validate(Valid() with { AccessibilityNeeds = "Fauteuil\0" });

        Assert.Equal("Fauteuil\nBoucle magnétique\nPlace réservée", kept.Value!.AccessibilityNeeds);
        Assert.Equal(["accessibilityNeeds"], refused.Errors.Keys);
    }
}
