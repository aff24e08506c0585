using System.Security.Cryptography;
using System.Text;
using Licensing.Domain.Common;

namespace Licensing.Domain.Billing;

/// <summary>The payment providers an account can sell through (docs/providers/README.md); the wire name is lower case.</summary>
public enum BillingProvider { Stripe, LemonSqueezy, Paddle, Gumroad, AppSumo }

/// <summary>An object of a payment provider (a checkout, order, subscription, payment): which provider, and its id there.</summary>
public sealed record ProviderRef(BillingProvider Provider, string Id)
{
    public static ProviderRef Stripe(string id) => new(BillingProvider.Stripe, id);

    /// <summary>
    /// The key under which the object is linked to its license. Stripe's ids are kept bare, as they always were;
    /// other providers' ids are prefixed with the provider, so the same id at two providers names two objects.
    /// </summary>
    public string LinkKey => Provider == BillingProvider.Stripe ? Id : $"{Provider.ToWire()}:{Id}";

    public override string ToString() => $"{Provider.ToWire()} {Id}";
}

public static class BillingProviders
{
    public static string ToWire(this BillingProvider provider) => provider.ToString().ToLowerInvariant();

    /// <summary>A provider by its wire name (<c>stripe</c>, <c>lemonsqueezy</c>, <c>paddle</c>, <c>gumroad</c>, <c>appsumo</c>), exactly.</summary>
    public static bool TryParse(string? wire, out BillingProvider provider)
    {
        foreach (var p in Enum.GetValues<BillingProvider>())
            if (string.Equals(p.ToWire(), wire, StringComparison.Ordinal))
            {
                provider = p;
                return true;
            }
        provider = default;
        return false;
    }
}

/// <summary>One verified provider event as its inbox keeps it: raw, so nothing is lost or re-interpreted.</summary>
public sealed record ProviderEvent(string AccountId, string EventId, string Type, DateTimeOffset Created, byte[] Body);

/// <summary>
/// The edge contract of one payment provider: turns a stored event of that provider into the typed billing event
/// the rules understand. Any call to the provider's API (e.g. reading a checkout's line items) happens here.
/// A payload the parser cannot use throws <see cref="BillingPermanentException"/>.
/// </summary>
public interface IBillingEventParser
{
    BillingProvider Provider { get; }

    /// <summary>The provider's event types that change licenses; the webhook stores only these.</summary>
    IReadOnlySet<string> HandledTypes { get; }

    Task<BillingEvent> ParseAsync(ProviderEvent stored, CancellationToken ct);
}

/// <summary>
/// Where a billing event comes from: the provider's event id (the key of idempotency by event), when the provider
/// created it (which orders events: a license keeps the newest applied, <c>BillingUpdatedAt</c>), and whether it
/// happened in the provider's test mode (Stripe: <c>livemode: false</c>).
/// </summary>
public sealed record BillingSource(ProviderRef Event, DateTimeOffset OccurredAt, bool TestMode);

/// <summary>A provider event in the domain's terms.</summary>
public abstract record BillingEvent
{
    public required BillingSource Source { get; init; }

    public DateTimeOffset OccurredAt => Source.OccurredAt;
}

/// <summary>Nothing for the rules: an event of a handled type that concerns no license (e.g. a one-off invoice).</summary>
public sealed record Ignored(string Reason) : BillingEvent;

/// <summary>A purchase whose payment has not cleared yet; a later event completes it.</summary>
public sealed record PaymentAwaited(ProviderRef Purchase, string Awaiting) : BillingEvent;

/// <summary>
/// A paid purchase: one license per <see cref="Purchase"/>. The terms are named (<see cref="ProductId"/> and
/// <see cref="Plan"/> from the provider's custom data) or found from the provider's <see cref="PriceIds"/>.
/// <see cref="Metadata"/> is what the license records about its origin.
/// </summary>
public sealed record PurchaseCompleted(
    ProviderRef Purchase,
    string CustomerEmail,
    string? ProductId,
    string? Plan,
    string? Domain,
    IReadOnlyList<string> PriceIds,
    ProviderRef? Subscription,
    ProviderRef? Payment,
    DateTimeOffset? PeriodEnd,
    IReadOnlyDictionary<string, string?> Metadata) : BillingEvent;

/// <summary>An event about a subscription, whose license is found through the subscription's link.</summary>
public abstract record SubscriptionEvent(ProviderRef Subscription) : BillingEvent;

/// <summary>A renewal was paid up to <see cref="PeriodEnd"/>; the first payment of a subscription is its purchase, not a renewal.</summary>
public sealed record RenewalPaid(ProviderRef Subscription, DateTimeOffset? PeriodEnd, IReadOnlyList<ProviderRef> Payments, bool FirstOfSubscription)
    : SubscriptionEvent(Subscription);

public sealed record PaymentFailed(ProviderRef Subscription) : SubscriptionEvent(Subscription);

/// <summary>The subscription's states the rules tell apart; every other provider state is <see cref="Active"/>.</summary>
public enum SubscriptionStatus { Active, PastDue }

/// <summary>A subscription's status, prices (a plan change) or cancellation at period end changed.</summary>
public sealed record SubscriptionChanged(ProviderRef Subscription, SubscriptionStatus Status, IReadOnlyList<string> PriceIds, bool CancelAtPeriodEnd,
    DateTimeOffset? PeriodEnd)
    : SubscriptionEvent(Subscription);

public sealed record SubscriptionEnded(ProviderRef Subscription, DateTimeOffset EndedAt) : SubscriptionEvent(Subscription);

/// <summary>An event about a payment; its license is the one linked to the first of <see cref="Payments"/> that has a link.</summary>
public abstract record PaymentEvent(IReadOnlyList<ProviderRef> Payments) : BillingEvent;

public enum RefundExtent { Partial, Full }

public sealed record Refunded(IReadOnlyList<ProviderRef> Payments, RefundExtent Extent) : PaymentEvent(Payments);

public sealed record Disputed(IReadOnlyList<ProviderRef> Payments) : PaymentEvent(Payments);

/// <summary>Idempotency by business key: the license a purchase makes has an id derived from the purchase.</summary>
public static class BillingKeys
{
    /// <summary>Every delivery of the same purchase, in whichever event, names the same license.</summary>
    public static string LicenseIdForPurchase(string accountId, ProviderRef purchase) =>
        Ids.LicensePrefix + Convert.ToHexStringLower(SHA256.HashData(
            Encoding.UTF8.GetBytes($"{purchase.Provider.ToWire()}-checkout:{accountId}:{purchase.Id}")).AsSpan(0, Ids.LicenseIdBytes));
}

/// <summary>A processing failure that should be retried (e.g. a renewal for a subscription not provisioned yet).</summary>
public sealed class BillingRetryException(string message) : Exception(message);

/// <summary>A failure no retry can fix (no customer e-mail, no plan mapping): recorded for the account at once.</summary>
public sealed class BillingPermanentException(string message) : Exception(message);
