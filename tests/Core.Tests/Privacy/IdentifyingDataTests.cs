using Microstructures.Core.Privacy;

namespace Microstructures.Core.Tests.Privacy;

public sealed class IdentifyingDataTests
{
    [Theory]
    [InlineData("camille.exemple@example.org")]
    [InlineData("écrire à c.exemple+suivi@mail.example.fr svp")]
    public void EmailAddressesAreFound(string value)
    {
        Assert.Equal(IdentifyingDataKind.EmailAddress, IdentifyingData.Detect(value));
    }

    [Theory]
    [InlineData("06 12 34 56 78")]
    [InlineData("0612345678")]
    [InlineData("06.12.34.56.78")]
    [InlineData("06-12-34-56-78")]
    [InlineData("+33 6 12 34 56 78")]
    [InlineData("+33612345678")]
    [InlineData("0033 6 12 34 56 78")]
    [InlineData("+33 (0)1 23 45 67 89")]
    [InlineData("tél. 03 88 12 34 56 le matin")]
    public void FrenchPhoneNumbersAreFound(string value)
    {
        Assert.Equal(IdentifyingDataKind.PhoneNumber, IdentifyingData.Detect(value));
    }

    [Theory]
    [InlineData("1 85 02 75 123 456 25")] // grouped, key valid
    [InlineData("185027512345625")] // 15 digits, key valid
    [InlineData("1850275123456")] // 13 digits: structure alone
    [InlineData("1 85 02 2A 123 456 82")] // Corsica 2A counts as 19 in the key
    [InlineData("285022b12345659")] // Corsica 2B counts as 18, lower case
    [InlineData("NIR : 2 92 07 69 385 012 24.")]
    public void SocialSecurityNumbersAreFound(string value)
    {
        Assert.Equal(IdentifyingDataKind.SocialSecurityNumber, IdentifyingData.Detect(value));
    }

    [Theory]
    [InlineData("185027512345626")] // 15 digits with a wrong key: a reference number, not a NIR
    [InlineData("1 85 02 2A 123 456 25")] // the 2A key computed as if 2A were 20: wrong
    [InlineData("985027512345625")] // sex digit 9 does not exist
    [InlineData("1851375123456")] // month 13 does not exist
    [InlineData("12345678901234")] // a SIRET (14 digits)
    [InlineData("750712184")] // a FINESS number (9 digits)
    [InlineData("2024-03-15")]
    [InlineData("15/03/2024")]
    [InlineData("01-02-2024")]
    [InlineData("1 612 €")]
    [InlineData("806")]
    [InlineData("75007")]
    [InlineData("1234567890")] // ten digits not starting with 0
    [InlineData("06123456789")] // eleven digits: not a French phone number
    [InlineData("+44 20 7946 0958")]
    [InlineData("equip-addict")]
    [InlineData("cabinet-des-tanneurs")]
    [InlineData("AB-12")]
    [InlineData("contact (at) example")]
    [InlineData("")]
    [InlineData(null)]
    public void OrdinaryValuesAreNotTakenForIdentifyingData(string? value)
    {
        Assert.Null(IdentifyingData.Detect(value));
    }

    [Fact]
    public void TheRefusalIsFrenchAndNamesTheField()
    {
        var message = IdentifyingData.Check("06 12 34 56 78", "commentaire");

        Assert.Equal("Le champ « commentaire » contient ce qui ressemble à un numéro de téléphone : les données identifiantes d'un patient sont refusées, rien n'a été enregistré.", message);
        Assert.Null(IdentifyingData.Check("AB-12", "pseudonyme"));
    }
}
