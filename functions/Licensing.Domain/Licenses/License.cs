using Licensing.Domain.Activations;
using Licensing.Domain.Products;

namespace Licensing.Domain.Licenses;

public enum LicenseStatus { Active, Suspended, Revoked, Expired }

/// <summary>A domain or machine the license is activated on. Domains given at issuance are activations.</summary>
public sealed record Activation(string Id, string? Domain, string? Fingerprint, string? Name, DateTimeOffset CreatedAt)
{
    public ActivationRef Ref => new(Id, Domain is null ? ActivationKind.Fingerprint : ActivationKind.Domain);
}

public enum ActivationKind : byte { Domain = 0, Fingerprint = 1 }

/// <summary>
/// One entry of the activation index a license keeps: the activation's id (a hash of what is activated, see
/// <see cref="ActivationRules.IdFor(ActivationTarget)"/>) and whether it binds a domain or a fingerprint. Validation
/// decides coverage and free slots from the index alone; the details (binding, name, time) are stored beside it.
/// </summary>
public readonly record struct ActivationRef(string Id, ActivationKind Kind);

/// <summary>A development host the license was used on: free of a slot, it counts toward the plan's cap for 30 days from <paramref name="Since"/>.</summary>
public sealed record DevelopmentHostUse(string Host, DateTimeOffset Since);

/// <summary>
/// A license as stored. Plan terms that validation needs are copied in at issuance (model, features, limits), and
/// the license carries the index of its activations, so a validation reads one entity and nothing else.
/// </summary>
public sealed record License
{
    public required string AccountId { get; init; }
    public required string Id { get; init; }
    public required string ProductId { get; init; }
    public required string Plan { get; init; }
    public required LicenseModel Model { get; init; }
    public required LicenseStatus Status { get; init; }
    public required string CustomerEmail { get; init; }
    public required IReadOnlyList<string> Features { get; init; }
    /// <summary>The activation index: one entry per slot taken. Details: <see cref="ILicenseStore.ListActivationsAsync"/>.</summary>
    public required IReadOnlyList<ActivationRef> Activations { get; init; }
    public int? MaxActivations { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public required IReadOnlyDictionary<string, string> Metadata { get; init; }

    /// <summary>When self-service deactivations happened (the last 30 days are kept), for the per-period cap.</summary>
    public IReadOnlyList<DateTimeOffset> Deactivations { get; init; } = [];

    /// <summary>Development hosts recorded (free of a slot) for the per-30-days cap; older entries are dropped on the next record.</summary>
    public IReadOnlyList<DevelopmentHostUse> DevelopmentHosts { get; init; } = [];

    /// <summary>
    /// Activation details still stored inline on the license entity by the older layout (read-only); the store moves
    /// them to rows of their own on the license's next write. Empty for licenses stored by the current layout.
    /// </summary>
    public IReadOnlyList<Activation> InlineActivations { get; init; } = [];

    /// <summary>Why the license was last suspended or revoked, when the system did it (e.g. "sharing", "refund").</summary>
    public string? StatusReason { get; init; }

    /// <summary>Hashes (hex SHA-256) of the license's alias keys: keys besides <see cref="Key"/> (docs/license-keys.md).</summary>
    public IReadOnlyList<string> KeyAliases { get; init; } = [];

    /// <summary>Hashes of the lifetime-deal codes stacked on this license.</summary>
    public IReadOnlyList<string> RedeemedCodes { get; init; } = [];

    /// <summary>Perpetual licenses: releases up to this date are covered by the update entitlement (null: all).</summary>
    public DateTimeOffset? UpdatesUntil { get; init; }

    /// <summary>Billing state from the payment provider (stored as null, "past_due", "canceling", "canceled").</summary>
    public Billing.BillingState BillingState { get; init; }

    /// <summary>Creation time of the newest payment provider event applied; older events never overwrite newer state.</summary>
    public DateTimeOffset? BillingUpdatedAt { get; init; }

    /// <summary>Made by a payment provider's test mode: counts in no quota or metric.</summary>
    public bool Test { get; init; }
    /// <summary>A trial (docs/trials.md): issued by <c>POST /v1/trials</c>, until a purchase converts it into the paid license.</summary>
    public bool Trial { get; init; }

    /// <summary>The purchase (its provider link key) that converted this trial into a paid license; null if none did.</summary>
    public string? ConvertedBy { get; init; }

    /// <summary>The signed key. Held only to show it to the account that owns the license.</summary>
    public required string Key { get; init; }

    /// <summary>
    /// Licenses of <c>"keyFormat": "short"</c> products: the version of the secret their short key was made with (stored).
    /// The key itself is stored only as an alias hash; it is derived again when shown (<see cref="ShortKeys.ShortKeyRing"/>).
    /// </summary>
    public int? ShortKeyVersion { get; init; }

    /// <summary>The short key, when derived for showing (never stored); null for a signed-key license.</summary>
    public string? ShortKey { get; init; }

    /// <summary>The key the customer is given and the API shows as <c>licenseKey</c>: the short key if any, else the signed key.</summary>
    public string CustomerKey => ShortKey ?? Key;

    /// <summary>The storage concurrency token (ETag) this copy was read with; null for a new license.</summary>
    public string? Version { get; init; }

    /// <summary>Stored status, with an active license past its expiry reported as expired.</summary>
    public LicenseStatus EffectiveStatus(DateTimeOffset now) =>
        Status == LicenseStatus.Active && ExpiresAt is { } e && e <= now ? LicenseStatus.Expired : Status;

    /// <summary>Whether another activation fits: <see cref="MaxActivations"/> null is unlimited, up to a storage cap.</summary>
    public bool HasFreeSlot => Activations.Count < Math.Min(MaxActivations ?? ActivationRules.HardCap, ActivationRules.HardCap);
}

public static class LicenseStatusNames
{
    private static readonly string[] Names = [.. Enum.GetValues<LicenseStatus>().Select(s => s.ToString().ToLowerInvariant())];

    /// <summary>The status's name in lower case, one string per status (it is on every validation's answer).</summary>
    public static string ToWire(this LicenseStatus status) => (uint)status < (uint)Names.Length ? Names[(int)status] : status.ToString().ToLowerInvariant();

    public static LicenseStatus? Parse(string? value) => value switch
    {
        "active" => LicenseStatus.Active,
        "suspended" => LicenseStatus.Suspended,
        "revoked" => LicenseStatus.Revoked,
        "expired" => LicenseStatus.Expired,
        _ => null,
    };
}
