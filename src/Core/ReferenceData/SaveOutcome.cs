namespace Microstructures.Core.ReferenceData;

public enum SaveOutcome
{
    Created,
    Updated,
    Unchanged,
}
