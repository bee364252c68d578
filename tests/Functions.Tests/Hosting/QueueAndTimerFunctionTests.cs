using Microsoft.Azure.Functions.Worker;
using Microstructures.Core.Email;
using Microstructures.Functions.Email;
using Microstructures.Functions.Registrations;
using Microstructures.TestSupport;

namespace Microstructures.Functions.Tests.Hosting;

// The queue and timer function bodies with what the host gives them (a message as a string, a
// TimerInfo), through the app's services on Azurite. A message a function cannot read throws: the
// host then fails the invocation, retries the message and finally moves it to <queue>-poison
// (QueueAndTimerHostTests checks that half through the DevHost).
public sealed class QueueAndTimerFunctionTests(Azurite azurite) : IClassFixture<Azurite>
{
    public static TheoryData<string> Unreadable => ["hello", "{\"other\":1}", "", "[1,2]"];

    [Theory]
    [MemberData(nameof(Unreadable))]
    public async Task AnOutboundEmailMessageTheFunctionCannotReadFailsTheInvocation(string message)
    {
        await using var app = PlatformServices.Create(azurite);

        await Assert.ThrowsAsync<FormatException>(() => app.Function<SendEmailQueue>().RunAsync(message, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Unreadable))]
    public async Task ARegistrationEmailsMessageTheFunctionCannotReadFailsTheInvocation(string message)
    {
        await using var app = PlatformServices.Create(azurite);

        await Assert.ThrowsAsync<FormatException>(() => app.Function<RelayRegistrationEmailsQueue>().RunAsync(message, CancellationToken.None));
    }

    [Fact]
    public async Task AnOutboundEmailMessageForAnUnknownEmailCompletesWithoutSending()
    {
        await using var app = PlatformServices.Create(azurite);

        await app.Function<SendEmailQueue>().RunAsync("{\"emailId\":\"inconnu\"}", CancellationToken.None);

        Assert.Null(await app.Get<EmailStore>().GetAsync("inconnu"));
    }

    // The timer payloads the host sends: first run (never ran: Last is 0001-01-01), past due, and
    // without the schedule monitor (no status at all).
    public static TheoryData<TimerInfo> Timers => new()
    {
        new TimerInfo { IsPastDue = false, ScheduleStatus = new ScheduleStatus { Last = default, Next = new DateTime(2026, 12, 1, 8, 0, 0, DateTimeKind.Utc), LastUpdated = default } },
        new TimerInfo { IsPastDue = true, ScheduleStatus = new ScheduleStatus { Last = new DateTime(2026, 11, 21, 6, 0, 0, DateTimeKind.Utc), Next = new DateTime(2026, 11, 21, 6, 2, 0, DateTimeKind.Utc), LastUpdated = new DateTime(2026, 11, 21, 6, 0, 0, DateTimeKind.Utc) } },
        new TimerInfo { IsPastDue = false, ScheduleStatus = null },
    };

    [Theory]
    [MemberData(nameof(Timers))]
    public async Task EveryTimerRunsWithEachPayloadTheHostSends(TimerInfo timer)
    {
        await using var app = PlatformServices.Create(azurite);

        await app.Function<SweepPendingEmailsTimer>().RunAsync(timer, CancellationToken.None);
        await app.Function<SweepRegistrationEmailsTimer>().RunAsync(timer, CancellationToken.None);
        await app.Function<RemindAttendeesTimer>().RunAsync(timer, CancellationToken.None);
        await app.Function<PurgeRegistrationsTimer>().RunAsync(timer, CancellationToken.None);
    }
}
