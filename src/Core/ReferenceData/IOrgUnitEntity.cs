using Azure.Data.Tables;

namespace Microstructures.Core.ReferenceData;

// A row of the org tree that can be closed (never deleted: data refers to its id).
public interface IOrgUnitEntity : ITableEntity
{
    string? ClosedOn { get; set; }
}
