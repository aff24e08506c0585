using Licensing.Domain.Audit;

namespace Licensing.Domain.Webhooks;

/// <summary>
/// The event types an endpoint can subscribe to (or <see cref="All"/>). License and activation events carry the names
/// the change journal records as its actions, so a change maps to an event by name.
/// </summary>
public static class WebhookEvents
{
    public const string All = "*";
    public const string Ping = "ping";

    /// <summary>Every event type a change can produce (the change journal's actions), in the documented order.</summary>
    public static IReadOnlyList<string> ChangeEvents { get; } =
    [
        LicenseChanges.Created, LicenseChanges.Updated, LicenseChanges.Suspended, LicenseChanges.Reinstated, LicenseChanges.Revoked,
        LicenseChanges.Renewed, LicenseChanges.Expired, LicenseChanges.Deleted, LicenseChanges.ActivationCreated, LicenseChanges.ActivationDeleted,
        LicenseChanges.SharingSuspected, LicenseChanges.UsageLimitReached,
    ];

    /// <summary>What an endpoint may list in <c>events</c>.</summary>
    public static IReadOnlyList<string> Subscribable { get; } = [.. ChangeEvents, Ping, All];

    /// <summary>The event a change action produces, or null when it produces none (e.g. a product or API key change).</summary>
    public static string? ForAction(string? action) => action is not null && ChangeEvents.Contains(action, StringComparer.Ordinal) ? action : null;

    /// <summary>Whether an endpoint subscribed to <paramref name="events"/> receives <paramref name="type"/>; every endpoint receives its pings.</summary>
    public static bool Receives(IReadOnlyCollection<string> events, string type) =>
        type == Ping || events.Contains(All, StringComparer.Ordinal) || events.Contains(type, StringComparer.Ordinal);
}
