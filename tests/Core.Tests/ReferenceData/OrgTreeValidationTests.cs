using Microsoft.Extensions.Time.Testing;
using Microstructures.Core.ReferenceData;

namespace Microstructures.Core.Tests.ReferenceData;

public sealed class OrgTreeValidationTests
{
    private static readonly FakeTimeProvider Time = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData("RMS Île-de-France (Proses)", "rms-ile-de-france-proses")]
    [InlineData("  Provence-Alpes-Côte d'Azur ", "provence-alpes-cote-d-azur")]
    [InlineData("Maison de santé « Les Tilleuls »", "maison-de-sante-les-tilleuls")]
    public void FromName_FrenchName_GivesASpreadsheetFriendlySlug(string name, string expected)
    {
        Assert.Equal(expected, Slugs.FromName(name));
        Assert.True(Slugs.IsValid(expected));
    }

    [Fact]
    public void Microstructure_WithoutId_TakesItsIdFromItsNameAndNormalisesContacts()
    {
        var (values, errors) = OrgTreeValidation.Microstructure(new MicrostructureInput(null, "rms-alsace", "Cabinet des Vosges", "Colmar", "68000", "MSP",
            ["Accueil@Example.org", "accueil@example.org"], "01/02/2022"));

        Assert.True(errors.IsEmpty);
        Assert.Equal("cabinet-des-vosges", values!.Id);
        Assert.Equal("msp", values.PracticeType);
        Assert.Equal(["accueil@example.org"], values.ContactEmails);
        Assert.Equal("2022-02-01", values.OpenedOn);
    }

    [Fact]
    public void Microstructure_WithBadFields_NamesEachFieldInFrench()
    {
        var (values, errors) = OrgTreeValidation.Microstructure(new MicrostructureInput("Pas Un Slug", "rms-alsace", "Cabinet", "Colmar", "6800", "clinique",
            ["jean.dupont"], "2022-13-01"));

        Assert.Null(values);
        var fields = errors.ToDictionary();
        Assert.Equal(["contactEmails", "id", "openedOn", "postcode", "practiceType"], fields.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("code postal de 5 chiffres", fields["postcode"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void Team_InTheFarFuture_IsRefused()
    {
        var (values, errors) = OrgTreeValidation.Team(new TeamInput(1, 1, 1, 0), 2030, Time);

        Assert.Null(values);
        Assert.Contains("entre 2006 et 2027", errors.ToDictionary()["year"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void NamesOfTheTreeAreOneLine()
    {
        var (values, errors) = OrgTreeValidation.Network(new NetworkInput("rms-test", "RMS\r\nTest", "Asso\0", "grand-est", "a@example.org", "b@example.org"));

        Assert.Null(values);
        Assert.Equal(["carryingAssociation", "name"], errors.ToDictionary().Keys.Order(StringComparer.Ordinal));
    }
}
