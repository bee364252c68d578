using System.Text.Json.Serialization;

namespace Microstructures.Core.Registrations;

// Where an event's registrations stand for the public, as the summary and the form show it.
[JsonConverter(typeof(JsonStringEnumConverter<RegistrationState>))]
public enum RegistrationState
{
    [JsonStringEnumMemberName("notOpenYet")]
    NotOpenYet,

    [JsonStringEnumMemberName("open")]
    Open,

    [JsonStringEnumMemberName("waitlist")]
    Waitlist,

    [JsonStringEnumMemberName("closed")]
    Closed,
}
