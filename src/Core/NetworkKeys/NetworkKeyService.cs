using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microstructures.Core.Audit;
using Microstructures.Core.Common;
using Microstructures.Core.ReferenceData;

namespace Microstructures.Core.NetworkKeys;

public sealed record NetworkKeyInfo(string KeyId, string NetworkId, string Label, string Hint, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt)
{
    public bool Active => RevokedAt is null;
}

// The only time the secret exists outside the caller's hands: the answer to "issue".
public sealed record IssuedNetworkKey(NetworkKeyInfo Key, string Secret);

public sealed record NetworkKeyInput(string? Label);

// Who a network request comes from, once its key is verified.
public sealed record NetworkIdentity(string NetworkId, string KeyId)
{
    public Actor Actor => Actor.NetworkKey(KeyId, NetworkId);
}

// Network keys: random 32 bytes, base64url, prefixed "rms_"; stored as SHA-256 only; several active at
// once (rotation); revocation is immediate; the last use is recorded (at most once a minute per key).
public sealed partial class NetworkKeyService(NetworkKeyStore store, OrgTreeStore tree, AuditTrail audit, TimeProvider time, ILogger<NetworkKeyService> logger)
{
    public const string Prefix = "rms_";
    public const int MaxLabelLength = 80;
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public async Task<Result<IssuedNetworkKey>> IssueAsync(string networkId, NetworkKeyInput? input, Actor actor, CancellationToken cancellationToken = default)
    {
        var label = input?.Label?.Trim() ?? "";
        if (label.Length > MaxLabelLength)
        {
            return new ValidationErrors().Add("label", $"Le libellé ne doit pas dépasser {MaxLabelLength} caractères.");
        }
        var labelErrors = new ValidationErrors();
        if (!TextFields.CheckSingleLine(labelErrors, "label", label, "le libellé"))
        {
            return labelErrors;
        }
        switch (await tree.GetNetworkAsync(networkId, cancellationToken))
        {
            case null:
                return Result<IssuedNetworkKey>.NotFound($"Aucun réseau n'a l'identifiant « {networkId} ».");
            case { ClosedOn: not null }:
                return Result<IssuedNetworkKey>.Conflict($"Le réseau « {networkId} » est fermé : aucune clé ne peut lui être délivrée.");
        }
        var secret = Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var record = new NetworkKeyEntity
        {
            NetworkId = networkId,
            KeyId = "k" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5)),
            Label = label.Length > 0 ? label : "Clé du réseau",
            Hint = secret[..(Prefix.Length + 4)] + "…",
            CreatedAt = time.GetUtcNow(),
        };
        await store.AddAsync(record, Hash(secret), cancellationToken);
        await audit.RecordAsync(AuditEntityTypes.Network, networkId, actor, "keyIssued", null, new { key = record.KeyId, label = record.Label }, cancellationToken);
        LogIssued(record.KeyId, networkId);
        return Result<IssuedNetworkKey>.Success(new IssuedNetworkKey(ToInfo(record), secret));
    }

    public async Task<Result<IReadOnlyList<NetworkKeyInfo>>> ListAsync(string networkId, CancellationToken cancellationToken = default)
    {
        if (await tree.GetNetworkAsync(networkId, cancellationToken) is null)
        {
            return Result<IReadOnlyList<NetworkKeyInfo>>.NotFound($"Aucun réseau n'a l'identifiant « {networkId} ».");
        }
        var keys = await store.ListAsync(networkId, cancellationToken);
        return Result<IReadOnlyList<NetworkKeyInfo>>.Success(keys.Select(ToInfo).OrderByDescending(k => k.CreatedAt).ToList());
    }

    // Idempotent: revoking a revoked key changes nothing.
    public async Task<Result<NetworkKeyInfo>> RevokeAsync(string networkId, string keyId, Actor actor, CancellationToken cancellationToken = default)
    {
        if (await store.GetAsync(networkId, keyId, cancellationToken) is not { } record)
        {
            return Result<NetworkKeyInfo>.NotFound($"Le réseau « {networkId} » n'a pas de clé « {keyId} ».");
        }
        if (record.RevokedAt is null)
        {
            record.RevokedAt = time.GetUtcNow();
            await store.MergeAsync(record.PartitionKey, nameof(NetworkKeyEntity.RevokedAt), record.RevokedAt.Value, cancellationToken);
            await audit.RecordAsync(AuditEntityTypes.Network, networkId, actor, "keyRevoked", new { key = record.KeyId }, null, cancellationToken);
            LogRevoked(keyId, networkId);
        }
        return Result<NetworkKeyInfo>.Success(ToInfo(record));
    }

    // null for anything but an active key: no key, a malformed one, an unknown one, a revoked one, or
    // one of a closed network. The closing is checked here, at every use, rather than by revoking the
    // keys when the network closes: a key issued while it closed is refused all the same.
    public async Task<NetworkIdentity?> AuthenticateAsync(string? presented, CancellationToken cancellationToken = default)
    {
        if (presented is null || !presented.StartsWith(Prefix, StringComparison.Ordinal) || presented.Length > 200)
        {
            return null;
        }
        var hash = Hash(presented);
        var record = await store.FindByHashAsync(hash, cancellationToken);
        // The lookup is by hash; the constant-time comparison guards against anything the lookup tolerates.
        if (record is null || record.RevokedAt is not null
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(record.PartitionKey), Encoding.ASCII.GetBytes(NetworkKeyStore.HashPartition(hash))))
        {
            return null;
        }
        if (await tree.GetNetworkAsync(record.NetworkId, cancellationToken) is null or { ClosedOn: not null })
        {
            return null;
        }
        var now = time.GetUtcNow();
        if (record.LastUsedAt is null || now - record.LastUsedAt.Value >= LastUsedResolution)
        {
            await store.MergeAsync(record.PartitionKey, nameof(NetworkKeyEntity.LastUsedAt), now, cancellationToken);
        }
        return new NetworkIdentity(record.NetworkId, record.KeyId);
    }

    public static string Hash(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
    }

    private static NetworkKeyInfo ToInfo(NetworkKeyEntity e) => new(e.KeyId, e.NetworkId, e.Label, e.Hint, e.CreatedAt, e.RevokedAt, e.LastUsedAt);

    [LoggerMessage(LogLevel.Information, "Issued network key {KeyId} for {NetworkId}")]
    private partial void LogIssued(string keyId, string networkId);

    [LoggerMessage(LogLevel.Information, "Revoked network key {KeyId} of {NetworkId}")]
    private partial void LogRevoked(string keyId, string networkId);
}
