using Microstructures.Core.Registrations;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Registrations;

// The printable attendance certificate behind the signed link; POST e-mails its link.
public sealed class AttendanceCertificateHttp(AttendanceCertificates certificates)
{
    [Function("AttendanceCertificate")]
    [PublicAccess]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "api/events/{eventId}/registrations/{registrationId}/certificate")] HttpRequest request,
        string eventId, string registrationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = request.QueryValue("token");
        return HttpMethods.IsGet(request.Method)
            ? await RegistrationPages.ShowCertificateAsync(eventId, registrationId, token, certificates, cancellationToken)
            : await RegistrationPages.SendCertificateAsync(eventId, registrationId, token, certificates, cancellationToken);
    }
}
