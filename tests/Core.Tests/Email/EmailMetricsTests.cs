using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microstructures.Core.Common;
using Microstructures.Core.Email;
using Microstructures.TestSupport;
using Moq;

namespace Microstructures.Core.Tests.Email;

// EmailsSent and EmailsFailed (the e-mail failures alert sums EmailsFailed): one count per e-mail,
// whatever the redeliveries, with its category.
public sealed class EmailMetricsTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Fact]
    public async Task AnEmailDeliveredTwiceCountsAsOneSent()
    {
        using var h = new EmailHarness(azurite);
        using var sent = h.Collect("EmailsSent");
        using var failed = h.Collect("EmailsFailed");
        var id = await h.Outbox.SendAsync(EmailHarness.Message());

        await h.Dispatcher.DeliverAsync(id);
        await h.Dispatcher.DeliverAsync(id);

        var measurement = Assert.Single(sent.GetMeasurementSnapshot());
        Assert.Equal(1, measurement.Value);
        Assert.Equal("test", measurement.Tags["category"]);
        Assert.Empty(failed.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task AnEmailTheProviderRefusesCountsAsFailed()
    {
        using var h = new EmailHarness(azurite);
        using var sent = h.Collect("EmailsSent");
        using var failed = h.Collect("EmailsFailed");
        h.Sender.Setup(s => s.SendAsync(It.IsAny<string>(), It.IsAny<EmailMessage>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new EmailSendResult(EmailSendStatus.Permanent, null, 400, "invalid address"));
        var id = await h.Outbox.SendAsync(EmailHarness.Message());

        await h.Dispatcher.DeliverAsync(id);

        Assert.Equal(1, Assert.Single(failed.GetMeasurementSnapshot()).Value);
        Assert.Empty(sent.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task TransientFailuresCountOnlyWhenTheEmailIsGivenUp()
    {
        using var h = new EmailHarness(azurite, new Dictionary<string, string?> { ["Email:MaxAttempts"] = "3" });
        using var failed = h.Collect("EmailsFailed");
        h.Sender.Setup(s => s.SendAsync(It.IsAny<string>(), It.IsAny<EmailMessage>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new EmailSendResult(EmailSendStatus.Transient, null, 503, "Service Unavailable"));
        var id = await h.Outbox.SendAsync(EmailHarness.Message());

        await Assert.ThrowsAsync<EmailDeliveryException>(() => h.Dispatcher.DeliverAsync(id));
        await Assert.ThrowsAsync<EmailDeliveryException>(() => h.Dispatcher.DeliverAsync(id));
        Assert.Empty(failed.GetMeasurementSnapshot());
        Assert.Equal(DeliveryOutcome.RejectedByProvider, await h.Dispatcher.DeliverAsync(id));

        Assert.Equal(1, Assert.Single(failed.GetMeasurementSnapshot()).Value);
        Assert.Equal(EmailStatus.Failed, (await h.Store.GetAsync(id))!.Status);
    }
}
