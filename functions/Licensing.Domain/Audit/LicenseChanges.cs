using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Licensing.Domain.Common;
using Licensing.Domain.Licenses;

namespace Licensing.Domain.Audit;

/// <summary>
/// The change records a license write makes, decided from the license before and after (pure): one record for the
/// license's own fields, named for what happened to it, and one per activation added or removed. These actions are the
/// outbound webhook event types (docs/audit.md).
/// </summary>
public static class LicenseChanges
{
    public const string Created = "license.created";
    public const string Updated = "license.updated";
    public const string Suspended = "license.suspended";
    public const string Reinstated = "license.reinstated";
    public const string Revoked = "license.revoked";
    public const string Renewed = "license.renewed";
    public const string Expired = "license.expired";
    public const string Deleted = "license.deleted";
    public const string ActivationCreated = "activation.created";
    public const string ActivationDeleted = "activation.deleted";
    public const string SharingSuspected = "license.sharing_suspected";
    public const string UsageLimitReached = "usage.limit_reached";

    public const string LicenseTarget = "license";
    public const string ActivationTarget = "activation";

    /// <summary>A new change id: time-ordered (milliseconds) then random, so ids sort roughly by when they were made.</summary>
    public static string NewId(DateTimeOffset at) =>
        "chg_" + at.ToUnixTimeMilliseconds().ToString("x12", System.Globalization.CultureInfo.InvariantCulture)
        + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));

    /// <summary>A change id fixed by what it records (<paramref name="subject"/>) and when: the same record made twice is one change.</summary>
    public static string FixedId(DateTimeOffset at, string subject) =>
        "chg_" + at.ToUnixTimeMilliseconds().ToString("x12", System.Globalization.CultureInfo.InvariantCulture)
        + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(subject)).AsSpan(0, 10));

    public static bool IsId(string? value) =>
        value is { Length: 4 + 12 + 20 } && value.StartsWith("chg_", StringComparison.Ordinal)
        && !value.AsSpan(4).ContainsAnyExcept("0123456789abcdef");

    /// <summary>What issuing <paramref name="license"/> records: <c>license.created</c> with its terms.</summary>
    public static ChangeRecord Issued(License license, Actor actor, DateTimeOffset at) =>
        Record(license, actor, at, Created, Fields(null, license));

    /// <summary>What deleting <paramref name="license"/> records: <c>license.deleted</c>, with no personal data.</summary>
    public static ChangeRecord Deletion(License license, Actor actor, DateTimeOffset at) =>
        Record(license, actor, at, Deleted, new Dictionary<string, FieldChange> { ["status"] = new(license.Status.ToWire(), null) });

    /// <summary>
    /// The records of a change from <paramref name="before"/> to <paramref name="after"/>: one per activation added or
    /// removed (<paramref name="activations"/>), then one for the license's fields when any changed. Empty: nothing to record.
    /// </summary>
    public static IReadOnlyList<ChangeRecord> Between(License before, License after, ActivationChanges activations, Actor actor, DateTimeOffset at)
    {
        var records = new List<ChangeRecord>();
        foreach (var a in activations.Added)
            records.Add(ActivationRecord(after, a.Id, ActivationCreated, null, Describe(a), actor, at));
        foreach (var id in activations.Removed)
            records.Add(ActivationRecord(after, id, ActivationDeleted, new JsonObject { ["id"] = id }, null, actor, at));
        var fields = Fields(before, after);
        if (fields.Count > 0) records.Add(Record(after, actor, at, ActionFor(before, after), fields));
        return records;
    }

    /// <summary>How the license's own change is named: by its status move, else a later expiry (renewed), else updated.</summary>
    public static string ActionFor(License before, License after) => (before.Status, after.Status) switch
    {
        (not LicenseStatus.Revoked, LicenseStatus.Revoked) => Revoked,
        (not LicenseStatus.Suspended, LicenseStatus.Suspended) => Suspended,
        (LicenseStatus.Suspended, LicenseStatus.Active) => Reinstated,
        (not LicenseStatus.Expired, LicenseStatus.Expired) => Expired,
        (LicenseStatus.Expired, LicenseStatus.Active) => Renewed,
        _ when after.ExpiresAt > before.ExpiresAt || after.UpdatesUntil > before.UpdatesUntil => Renewed,
        _ => Updated,
    };

    /// <summary>
    /// The fields that differ (all of them against null for a new license), as the API names them. Metadata is compared
    /// key by key (<c>metadata.orderId</c>); bookkeeping (timestamps, the storage version, deactivation times) is not a change.
    /// </summary>
    public static Dictionary<string, FieldChange> Fields(License? before, License after)
    {
        var changes = new Dictionary<string, FieldChange>(StringComparer.Ordinal);
        void Compare(string name, object? from, object? to)
        {
            var a = before is null ? null : Node(from);
            var b = Node(to);
            if (!JsonNode.DeepEquals(a, b)) changes[name] = new FieldChange(a, b);
        }
        Compare("productId", before?.ProductId, after.ProductId);
        Compare("plan", before?.Plan, after.Plan);
        Compare("status", before?.Status.ToWire(), after.Status.ToWire());
        Compare("statusReason", before?.StatusReason, after.StatusReason);
        Compare("customerEmail", before?.CustomerEmail, after.CustomerEmail);
        Compare("features", before?.Features, after.Features);
        Compare("maxActivations", before?.MaxActivations, after.MaxActivations);
        Compare("expiresAt", before?.ExpiresAt, after.ExpiresAt);
        Compare("updatesUntil", before?.UpdatesUntil, after.UpdatesUntil);
        Compare("billingState", before is null ? null : Billing.BillingStates.ToStored(before.BillingState),
            Billing.BillingStates.ToStored(after.BillingState));
        Compare("stackedCodes", before?.RedeemedCodes.Count, after.RedeemedCodes.Count);
        Compare("developmentHosts", before?.DevelopmentHosts.Select(d => d.Host), after.DevelopmentHosts.Select(d => d.Host));
        if (before is null) Compare("activationsUsed", null, after.Activations.Count);
        foreach (var key in (before?.Metadata.Keys ?? []).Union(after.Metadata.Keys).Order(StringComparer.Ordinal))
            Compare("metadata." + key, before?.Metadata.GetValueOrDefault(key), after.Metadata.GetValueOrDefault(key));
        return changes;
    }

    private static ChangeRecord Record(License license, Actor actor, DateTimeOffset at, string action, Dictionary<string, FieldChange> changes) =>
        new(NewId(at), license.AccountId, at, actor, action, new ChangeTarget(LicenseTarget, license.Id), changes.Count == 0 ? null : changes, license.Id);

    private static ChangeRecord ActivationRecord(License license, string activationId, string action, JsonObject? from, JsonObject? to, Actor actor,
        DateTimeOffset at) =>
        new(NewId(at), license.AccountId, at, actor, action, new ChangeTarget(ActivationTarget, activationId),
            new Dictionary<string, FieldChange> { ["activation"] = new(from, to) }, license.Id);

    private static JsonObject Describe(Activation a) => new()
    {
        ["id"] = a.Id,
        ["domain"] = a.Domain,
        ["fingerprint"] = a.Fingerprint,
        ["name"] = a.Name,
    };

    private static JsonNode? Node(object? value) => value is null ? null : JsonSerializer.SerializeToNode(value, StorageJson.Options);
}
