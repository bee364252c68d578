using Microstructures.Functions.Pages;

namespace Microstructures.Functions.Tests.Hosting;

// The pages' plurals: 0 and 1 are singular in French, numbers carry the French thousands separator.
public sealed class FrenchTests
{
    [Theory]
    [InlineData(0, "0\u00a0place")]
    [InlineData(1, "1\u00a0place")]
    [InlineData(2, "2\u00a0places")]
    [InlineData(12500, "12\u202f500\u00a0places")]
    public void PlacesTakeTheRightForm(long count, string expected) => Assert.Equal(expected, French.Plural(count, "place"));

    [Fact]
    public void AnIrregularPluralIsGiven() => Assert.Equal("2\u00a0lignes refusées", French.Plural(2, "ligne refusée", "lignes refusées"));
}
