using Microsoft.Extensions.Configuration;

namespace Microstructures.Functions.Hosting;

// In Azure the secrets are app settings holding Key Vault references (@Microsoft.KeyVault(SecretUri=…)),
// which the platform replaces with the secret's value when the instance starts. A reference it cannot
// resolve (a secret not written yet, a missing role, a typo) reaches the app as its literal text: the
// staff key would then be a string anyone can read in the Bicep, and long enough to pass MinLength(16).
// So the app refuses to start while any setting still holds one, naming every such setting.
public static class UnresolvedKeyVaultReferences
{
    public const string Prefix = "@Microsoft.KeyVault(";

    public static IReadOnlyList<string> Find(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.AsEnumerable()
            .Where(setting => setting.Value?.TrimStart().StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) == true)
            // Named as app settings are: Admin__ApiKey, not Admin:ApiKey.
            .Select(setting => setting.Key.Replace(":", "__", StringComparison.Ordinal))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    public static void ThrowIfAny(IConfiguration configuration)
    {
        var unresolved = Find(configuration);
        if (unresolved.Count > 0)
        {
            throw new InvalidOperationException(
                $"The function app refuses to start: unresolved Key Vault reference ({Prefix}…) in {string.Join(", ", unresolved)}. "
                + "Check that the secret exists in the vault and that the app's identity (keyVaultReferenceIdentity) may read it, then restart the app.");
        }
    }
}
