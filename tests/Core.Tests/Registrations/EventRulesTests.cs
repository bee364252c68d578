using Microstructures.Core.Registrations;

namespace Microstructures.Core.Tests.Registrations;

public sealed class EventRulesTests
{
    private static EventInput NationalDay(int capacity = 200) => new(
        "Journée Nationale des Microstructures — 3e édition", "2023-11-28T08:30", "2023-11-28T17:30", "Salle ASIEM",
        "6 rue Albert de Lapparent, 75007 Paris", capacity, "2023-09-01T09:00", "2023-11-27T12:00", "contact@example.org");

    [Fact]
    public void TimesWithoutAnOffsetAreParisTimeAndTimesWithOneAreKept()
    {
        var result = EventRules.Validate("journee-nationale-2023", NationalDay());
        var withOffset = EventRules.Validate("journee-nationale-2023", NationalDay() with { StartsAt = "2023-11-28T07:30:00Z" });

        Assert.Equal(new DateTimeOffset(2023, 11, 28, 7, 30, 0, TimeSpan.Zero), result.Value!.StartsAt.ToUniversalTime());
        Assert.Equal(new DateTimeOffset(2023, 11, 28, 7, 30, 0, TimeSpan.Zero), withOffset.Value!.StartsAt.ToUniversalTime());
        Assert.Equal("mardi 28 novembre 2023 à 08h30", EventRules.FormatParis(result.Value.StartsAt));
    }

    [Fact]
    public void ABadIdentifierAnEndBeforeTheStartAndAnEmptyCapacityAreEachNamed()
    {
        var result = EventRules.Validate("JNM 2023", NationalDay(0) with { EndsAt = "2023-11-28T08:00" });

        Assert.Equal(["eventId", "capacity", "endsAt"], result.Errors.Keys);
    }

    [Fact]
    public void RegistrationMustCloseByTheEndOfTheEvent()
    {
        var result = EventRules.Validate("jnm-2023", NationalDay() with { RegistrationClosesAt = "2023-11-29T09:00" });

        Assert.Equal(["registrationClosesAt"], result.Errors.Keys);
    }

    // Table Storage refuses dates before 1601 and date arithmetic overflows near year 9999: a date
    // outside the platform's range is a field error, never an exception.
    [Theory]
    [InlineData("0001-01-01T00:00")]
    [InlineData("1600-06-01T09:00")]
    [InlineData("1989-12-31T23:59")]
    [InlineData("0001-01-01T00:00:00+14:00")]
    [InlineData("9999-12-31T23:59:59-14:00")]
    public void ADateBeforeTheRangeIsNamed(string startsAt)
    {
        var result = EventRules.Validate("jnm-2023", NationalDay() with { StartsAt = startsAt });

        Assert.Equal(["startsAt"], result.Errors.Keys);
    }

    [Theory]
    [InlineData("2101-01-01T00:00")]
    [InlineData("9999-12-31T23:59")]
    public void ADateAfterTheRangeIsNamed(string endsAt)
    {
        var result = EventRules.Validate("jnm-2023", NationalDay() with { EndsAt = endsAt });

        Assert.Equal(["endsAt"], result.Errors.Keys);
    }

    [Fact]
    public void TheBoundsOfTheRangeAreAccepted()
    {
        Assert.True(EventRules.Validate("jnm-2023", NationalDay() with { StartsAt = "1990-01-01T00:00" }).IsSuccess);
        Assert.True(EventRules.Validate("jnm-2023", NationalDay() with { EndsAt = "2100-12-31T23:59" }).IsSuccess);
    }

    // A title ends up in every e-mail subject: one line.
    [Fact]
    public void TitlesVenuesAddressesAndQuestionLabelsAreOneLine()
    {
        var result = EventRules.Validate("jnm-2023", NationalDay() with
        {
            Title = "Journée\r\nBcc: tous@example.org",
            Venue = "Salle\0ASIEM",
            Address = "6 rue\nAlbert",
            ExtraQuestions = [new ExtraQuestion("atelier", "Atelier\r\nchoisi")],
        });

        Assert.Equal(["title", "venue", "address", "extraQuestions[0].label"], result.Errors.Keys);
        Assert.Contains("retour à la ligne", result.Errors["title"][0], StringComparison.Ordinal);
    }
}
