using System.Text;
using Ical.Net;
using Microsoft.Extensions.Options;
using Microstructures.Core.Registrations;

namespace Microstructures.Core.Tests.Registrations;

public sealed class RegistrationEmailsTests
{
    private static readonly RegistrationTokens Tokens = new(Options.Create(new RegistrationOptions { SigningKey = "unit-test-signing-key-0123456789abcdef" }));
    private static readonly DateTimeOffset Now = new(2023, 11, 20, 10, 0, 0, TimeSpan.Zero);
    private static readonly RegistrationEmails Emails = new(new RegistrationLinks(Tokens, Options.Create(new PublicSiteOptions { PublicBaseUrl = "https://evenements.example.org/" })),
        Options.Create(new Microstructures.Core.Email.EmailOptions { FromAddress = "no-reply@example.org", FromName = "CNRMS — Microstructures" }), new FixedTime(Now));

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static readonly EventEntity NationalDay = new()
    {
        PartitionKey = "jnm-2023", Title = "Journée Nationale des Microstructures", Venue = "Salle ASIEM", Address = "6 rue Albert de Lapparent, 75007 Paris",
        StartsAt = new DateTimeOffset(2023, 11, 28, 8, 30, 0, TimeSpan.FromHours(1)), EndsAt = new DateTimeOffset(2023, 11, 28, 17, 30, 0, TimeSpan.FromHours(1)),
        ContactEmail = "contact@example.org", Capacity = 200,
    };

    private static readonly RegistrationEntity Camille = new()
    {
        PartitionKey = "jnm-2023", RegistrationId = "0123456789abcdef0123456789abcdef", FirstName = "Camille", LastName = "Exemple",
        Email = "camille@example.org", AccessibilityNeeds = "Boucle magnétique", CreatedAt = new DateTimeOffset(2023, 10, 2, 10, 0, 0, TimeSpan.Zero),
    };

    [Fact]
    public void TheConfirmationIsFrenchWithPracticalInformationACalendarAndTheCheckinCodeButNoHealthData()
    {
        var message = Emails.Confirmation(NationalDay, Camille, promoted: false);

        Assert.Equal("Inscription confirmée — Journée Nationale des Microstructures", message.Subject);
        Assert.Contains("Mardi 28 novembre 2023 à 08h30 – 17h30", message.Text, StringComparison.Ordinal);
        Assert.Contains("https://evenements.example.org/api/events/jnm-2023/registrations/0123456789abcdef0123456789abcdef/manage?token=", message.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("magnétique", message.Html + message.Text, StringComparison.Ordinal);
        var calendar = Calendar.Load(Encoding.UTF8.GetString(message.Attachments.Single(a => a.FileName == "invitation.ics").Content))!;
        var evt = Assert.Single(calendar.Events);
        Assert.Equal(new DateTime(2023, 11, 28, 7, 30, 0, DateTimeKind.Utc), evt.Start!.AsUtc);
        Assert.Equal(new DateTime(2023, 11, 28, 16, 30, 0, DateTimeKind.Utc), evt.End!.AsUtc);
        Assert.Equal("Salle ASIEM, 6 rue Albert de Lapparent, 75007 Paris", evt.Location);
        Assert.Equal("qr-checkin", message.Attachments.Single(a => a.ContentType == "image/png").ContentId);
    }

    [Fact]
    public void SignedTokensAreBoundToTheirPurposeEventAndRegistration()
    {
        var manage = Tokens.Sign(RegistrationTokens.Manage, "jnm-2023", Camille.RegistrationId);
        var checkin = Tokens.CheckinToken("jnm-2023", Camille.RegistrationId);

        Assert.True(Tokens.Verify(RegistrationTokens.Manage, "jnm-2023", Camille.RegistrationId, manage));
        Assert.False(Tokens.Verify(RegistrationTokens.Manage, "jnm-2024", Camille.RegistrationId, manage));
        Assert.False(Tokens.Verify(RegistrationTokens.Checkin, "jnm-2023", Camille.RegistrationId, manage));
        Assert.False(Tokens.Verify(RegistrationTokens.Manage, "jnm-2023", Camille.RegistrationId, "pas*du*base64"));
        Assert.Equal(Camille.RegistrationId, Tokens.ReadCheckinToken("jnm-2023", checkin));
        Assert.Null(Tokens.ReadCheckinToken("jnm-2024", checkin));
    }

    // The door types it when the QR code cannot be read: in both parts of the e-mail, no empty line
    // left where the image is in the text part.
    [Fact]
    public void TheConfirmationAndTheReminderCarryTheShortEntryCodeInBothParts()
    {
        var code = Tokens.EntryCode("jnm-2023", Camille.RegistrationId);
        var confirmation = Emails.Confirmation(NationalDay, Camille, promoted: false);
        var reminder = Emails.Reminder(NationalDay, Camille, daysBefore: 1);

        Assert.Matches("^[A-HJKMNP-Z2-9]{3}-[A-HJKMNP-Z2-9]{3}$", code);
        foreach (var message in new[] { confirmation, reminder })
        {
            Assert.Contains($"<strong>{code}</strong>", message.Html, StringComparison.Ordinal);
            Assert.Contains($"si le code QR ne peut pas être lu : {code}", message.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("\n\n\n", message.Text.Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
        }
        Assert.DoesNotContain(":\n\n", confirmation.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void EntryCodesUseNoAmbiguousCharacterDifferPerRegistrationAndReadAsTyped()
    {
        var codes = Enumerable.Range(0, 2000).Select(i => Tokens.EntryCode("jnm-2023", $"{i:D32}")).ToList();

        Assert.All(codes, c => Assert.DoesNotMatch("[01OIL]", c));
        Assert.True(codes.Distinct(StringComparer.Ordinal).Count() >= 1995, "codes of one event collide too often");
        Assert.NotEqual(Tokens.EntryCode("jnm-2023", Camille.RegistrationId), Tokens.EntryCode("jnm-2024", Camille.RegistrationId));
        var code = Tokens.EntryCode("jnm-2023", Camille.RegistrationId);
        Assert.Equal(code, RegistrationTokens.NormalizeEntryCode(" " + code.ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal)));
        Assert.Equal(code, RegistrationTokens.NormalizeEntryCode(code.Replace("-", "", StringComparison.Ordinal)));
        Assert.Null(RegistrationTokens.NormalizeEntryCode("ABC-DE0"));
        Assert.Null(RegistrationTokens.NormalizeEntryCode("n-importe-quoi"));
        Assert.Null(RegistrationTokens.NormalizeEntryCode(null));
    }

    // RFC 5546: the association organises, DTSTAMP is when the file is made, SEQUENCE is the event's
    // calendar sequence plus the registration's revisions; a cancellation is METHOD:CANCEL.
    [Fact]
    public void CalendarFilesNameTheOrganiserAndRaiseTheirSequence()
    {
        var evt = new EventEntity
        {
            PartitionKey = NationalDay.PartitionKey, Title = NationalDay.Title, Venue = "Salle B", Address = NationalDay.Address, StartsAt = NationalDay.StartsAt, EndsAt = NationalDay.EndsAt,
            ContactEmail = NationalDay.ContactEmail, CalendarSequence = 2,
        };
        var reg = new RegistrationEntity { PartitionKey = evt.PartitionKey, RegistrationId = Camille.RegistrationId, FirstName = "Camille", LastName = "Exemple", Email = "camille@example.org", CalendarRevision = 1, ConfirmedAt = Now };

        var update = Calendar.Load(Emails.Calendar(evt, reg))!;
        var cancel = Calendar.Load(Emails.Calendar(evt, reg, cancel: true))!;

        Assert.Equal("PUBLISH", update.Method);
        var entry = Assert.Single(update.Events);
        Assert.Equal($"jnm-2023-{Camille.RegistrationId}@cnrms.example.org", entry.Uid);
        Assert.Equal(3, entry.Sequence);
        Assert.Equal(Now.UtcDateTime, entry.DtStamp!.AsUtc);
        Assert.Equal("mailto:no-reply@example.org", entry.Organizer!.Value!.ToString());
        Assert.Equal("CNRMS — Microstructures", entry.Organizer.CommonName);
        Assert.Equal("CANCEL", cancel.Method);
        Assert.Equal("CANCELLED", Assert.Single(cancel.Events).Status);
        Assert.Equal("mailto:camille@example.org", Assert.Single(cancel.Events[0]!.Attendees).Value!.ToString());
    }
}
