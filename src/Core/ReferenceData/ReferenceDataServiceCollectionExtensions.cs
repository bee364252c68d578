using Microsoft.Extensions.DependencyInjection;
using Microstructures.Core.Audit;
using Microstructures.Core.NetworkKeys;

namespace Microstructures.Core.ReferenceData;

public static class ReferenceDataServiceCollectionExtensions
{
    // The org tree, its CSV import, network keys and the audit trail they all write to.
    public static IServiceCollection AddReferenceData(this IServiceCollection services)
    {
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<OrgTreeStore>();
        services.AddSingleton<RegionUnits>();
        services.AddSingleton<NetworkUnits>();
        services.AddSingleton<MicrostructureUnits>();
        services.AddSingleton<OrgTreeService>();
        services.AddSingleton<OrgTreeImport>();
        services.AddSingleton<NetworkKeyStore>();
        services.AddSingleton<NetworkKeyService>();
        return services;
    }
}
