using Microstructures.Core.Privacy;

namespace Microstructures.Core.Tests.Privacy;

public sealed class PseudonymTests
{
    [Theory]
    [InlineData("AB12")]
    [InlineData("A1B")]
    [InlineData("P-2024-017")]
    [InlineData("MS-2024-017")]
    [InlineData("P-2024-03")] // a month and a year: an inclusion month, not a birth date
    [InlineData("P-000123")] // a sequence number: day 00 (read as yyMMdd it would be 2000-01-23: that order is not checked)
    [InlineData("P-123456")] // 12/34/56 and 12-34-56 are no dates
    [InlineData("X7-Y8-Z9-ABCDEFGHIJKLMNO")] // 24 characters
    [InlineData("MAR12")] // a month abbreviation and a number, no day
    public void AcceptedPseudonyms(string pseudonym)
    {
        Assert.Null(Pseudonyms.Validate(pseudonym));
    }

    [Fact]
    public void LowerCaseAndSurroundingSpacesAreNormalisedNotRefused()
    {
        Assert.Equal("AB-12", Pseudonyms.Normalize("  ab-12 "));
        Assert.Null(Pseudonyms.Validate("  ab-12 "));
    }

    [Theory]
    [InlineData(null, PrivacyMessages.PseudonymMissing)]
    [InlineData("   ", PrivacyMessages.PseudonymMissing)]
    [InlineData("A1", "Le pseudonyme doit compter de 3 à 24 caractères.")]
    [InlineData("X7-Y8-Z9-ABCDEFGHIJKLMNOP", "Le pseudonyme doit compter de 3 à 24 caractères.")]
    [InlineData("ÉLO12", PrivacyMessages.PseudonymCharacters)]
    [InlineData("AB 12", PrivacyMessages.PseudonymCharacters)]
    [InlineData("AB_12", PrivacyMessages.PseudonymCharacters)]
    [InlineData("DUPONT", PrivacyMessages.PseudonymLetterAndDigit)]
    [InlineData("123456789", PrivacyMessages.PseudonymLetterAndDigit)]
    [InlineData("AB-12-03-1985", PrivacyMessages.PseudonymDate)]
    [InlineData("AB12031985", PrivacyMessages.PseudonymDate)] // initials and ddMMyyyy
    [InlineData("X-19850312", PrivacyMessages.PseudonymDate)] // yyyyMMdd
    [InlineData("EA-240315", PrivacyMessages.PseudonymDate)] // ddMMyy
    [InlineData("X-2024-03-15", PrivacyMessages.PseudonymDate)]
    [InlineData("A-1-2-03", PrivacyMessages.PseudonymDate)]
    [InlineData("JD12MARS1985", PrivacyMessages.PseudonymDate)]
    [InlineData("JD-3-FEV-85", PrivacyMessages.PseudonymDate)]
    [InlineData("A-101010", PrivacyMessages.PseudonymDate)] // the known false positive: reads as 10/10/10
    [InlineData("185022A12345682", PrivacyMessages.PseudonymSocialSecurityNumber)] // a Corsican NIR with its key
    [InlineData("N1850275123456", PrivacyMessages.PseudonymSocialSecurityNumber)] // a NIR without its key
    [InlineData("P0612345678", PrivacyMessages.PseudonymPhone)]
    public void RefusedPseudonyms(string? pseudonym, string message)
    {
        Assert.Equal(message, Pseudonyms.Validate(pseudonym));
    }

    [Fact]
    public void AnImpossibleDateIsNotDateShaped()
    {
        Assert.False(Pseudonyms.LooksLikeDate("AB-31-02-2024"));
        Assert.False(Pseudonyms.LooksLikeDate("AB29022023"));
        Assert.True(Pseudonyms.LooksLikeDate("AB29022024"));
    }
}
