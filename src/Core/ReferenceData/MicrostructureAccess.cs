namespace Microstructures.Core.ReferenceData;

// May a network touch this microstructure? (NetworkKeyMiddleware: 403 for another network's, 404 for none.)
public enum MicrostructureAccess
{
    Allowed,
    OtherNetwork,
    Unknown,
}
