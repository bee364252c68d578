using Microstructures.Core.Registrations;

namespace Microstructures.Functions.Registrations;

// The model of CheckinDoorPage: the door key of the link (sent with each code) and the event.
public sealed record CheckinDoor(string DoorKey, EventSummary Event);
