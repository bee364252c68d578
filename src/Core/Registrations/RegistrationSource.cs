using System.Text.Json.Serialization;

namespace Microstructures.Core.Registrations;

// Who registered: the person through the form or the API (the registration window and the abuse
// limits apply), or the staff on someone's behalf (allowed outside the window, no limit).
[JsonConverter(typeof(JsonStringEnumConverter<RegistrationSource>))]
public enum RegistrationSource
{
    [JsonStringEnumMemberName("public")]
    Public,

    [JsonStringEnumMemberName("staff")]
    Staff,
}
