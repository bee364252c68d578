using System.Text.Json.Serialization;

namespace Microstructures.Core.Registrations;

// Stored by name in the registrations table and written by name in JSON ("Confirmed", ...).
[JsonConverter(typeof(JsonStringEnumConverter<RegistrationStatus>))]
public enum RegistrationStatus
{
    Confirmed,
    Waitlisted,
    Cancelled,
}
