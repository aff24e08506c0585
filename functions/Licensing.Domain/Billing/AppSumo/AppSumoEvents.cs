using System.Globalization;
using System.Text.Json;

namespace Licensing.Domain.Billing.AppSumo;

/// <summary>
/// A purchase or activation of an AppSumo license: one license per AppSumo key (<see cref="Purchase"/> is the key as a
/// provider object), in the integration's product, on the plan that maps <see cref="Tier"/>, answering to the key.
/// </summary>
public sealed record AppSumoPurchased(ProviderRef Purchase, string LicenseKey, int Tier) : BillingEvent;

/// <summary>An upgrade or downgrade: the license of <see cref="PreviousKey"/> moves to <see cref="LicenseKey"/> and the plan of <see cref="Tier"/>.</summary>
public sealed record AppSumoTierChanged(ProviderRef Previous, ProviderRef Next, string PreviousKey, string LicenseKey, int Tier) : BillingEvent;

/// <summary>The license was deactivated at AppSumo (refund, cancellation): it is revoked.</summary>
public sealed record AppSumoDeactivated(ProviderRef Purchase, string? Reason) : BillingEvent;

/// <summary>What an AppSumo webhook body says (AppSumo Licensing v2), read from its raw bytes.</summary>
public sealed record AppSumoPayload(string Event, string LicenseKey, string? PreviousLicenseKey, string? ParentLicenseKey, int Tier,
    long EventTimestamp, bool Test, string? Reason)
{
    public static readonly IReadOnlySet<string> Events = new HashSet<string>(StringComparer.Ordinal)
        { "purchase", "activate", "upgrade", "downgrade", "deactivate", "migrate" };

    /// <summary>The inbox's key: AppSumo sends no event id, so the event, its key and its time name it (a redelivery is the same).</summary>
    public string EventId => $"{Event}.{LicenseKey}.{EventTimestamp.ToString(CultureInfo.InvariantCulture)}";

    public DateTimeOffset OccurredAt => DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(EventTimestamp, 0, 253402300799999));

    /// <summary>Reads the body; <see cref="BillingPermanentException"/> when it lacks what every event carries.</summary>
    public static AppSumoPayload Parse(ReadOnlySpan<byte> body)
    {
        using var doc = JsonDocument.Parse(body.ToArray());
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new BillingPermanentException("the AppSumo event is not a JSON object");
        var evt = Text(root, "event") ?? throw new BillingPermanentException("the AppSumo event has no 'event'");
        var key = Text(root, "license_key") ?? throw new BillingPermanentException("the AppSumo event has no 'license_key'");
        var tier = root.TryGetProperty("tier", out var t) && t.ValueKind == JsonValueKind.Number && t.TryGetInt32(out var n) ? n
            : t.ValueKind == JsonValueKind.String && int.TryParse(t.GetString(), CultureInfo.InvariantCulture, out var s) ? s : 1;
        var at = root.TryGetProperty("event_timestamp", out var ts) && ts.ValueKind == JsonValueKind.Number && ts.TryGetInt64(out var ms) ? ms : 0;
        var test = root.TryGetProperty("test", out var tv) && tv.ValueKind == JsonValueKind.True;
        var reason = root.TryGetProperty("extra", out var extra) && extra.ValueKind == JsonValueKind.Object ? Text(extra, "reason") : null;
        return new AppSumoPayload(evt, key, Text(root, "prev_license_key"), Text(root, "parent_license_key"), tier, at, test, reason);
    }

    /// <summary>The typed event the rules apply: add-ons (a parent key) and <c>migrate</c> change no license.</summary>
    public BillingEvent ToBillingEvent()
    {
        var source = new BillingSource(new ProviderRef(BillingProvider.AppSumo, EventId), OccurredAt, Test);
        var purchase = new ProviderRef(BillingProvider.AppSumo, LicenseKey);
        if (ParentLicenseKey is not null) return new Ignored($"add-on of {ParentLicenseKey} ({Event}): add-ons change no license") { Source = source };
        return Event switch
        {
            "purchase" or "activate" => new AppSumoPurchased(purchase, LicenseKey, Tier) { Source = source },
            "upgrade" or "downgrade" => new AppSumoTierChanged(
                new ProviderRef(BillingProvider.AppSumo, PreviousLicenseKey ?? throw new BillingPermanentException($"{Event} without 'prev_license_key'")),
                purchase, PreviousLicenseKey, LicenseKey, Tier)
            { Source = source },
            "deactivate" => new AppSumoDeactivated(purchase, Reason) { Source = source },
            "migrate" => new Ignored("migrate: AppSumo's record of an add-on following its parent's upgrade or downgrade") { Source = source },
            _ => new Ignored($"AppSumo event '{Event}' is not one this app acts on") { Source = source },
        };
    }

    /// <summary>A non-empty string member of an AppSumo JSON object, else null.</summary>
    public static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;
}
