using Microstructures.Core.Registrations;

namespace Microstructures.Functions.Registrations;

// The model of CertificatePage: a checked-in registration, and whether its link was just e-mailed.
public sealed record Certificate(RegistrationView View, bool Sent);
