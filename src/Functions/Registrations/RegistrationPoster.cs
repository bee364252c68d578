using Microstructures.Core.Registrations;

namespace Microstructures.Functions.Registrations;

// The model of RegistrationPosterPage: the event and the form's public address.
public sealed record RegistrationPoster(EventSummary Event, Uri FormUrl);
