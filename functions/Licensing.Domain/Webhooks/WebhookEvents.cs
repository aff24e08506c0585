namespace Licensing.Domain.Webhooks;

/// <summary>
/// The event types an endpoint can subscribe to (or <see cref="All"/>). License and activation events carry the names
/// the change journal records as its actions, so a change maps to an event by name.
/// </summary>
public static class WebhookEvents
{
    public const string All = "*";
    public const string Ping = "ping";
    public const string LicenseDeleted = "license.deleted";
    public const string ActivationCreated = "activation.created";
    public const string ActivationDeleted = "activation.deleted";

    /// <summary>Every event type a change can produce, in the documented order.</summary>
    public static IReadOnlyList<string> ChangeEvents { get; } =
    [
        "license.created", "license.updated", "license.suspended", "license.reinstated", "license.revoked", "license.renewed", "license.expired",
        LicenseDeleted, ActivationCreated, ActivationDeleted, "license.sharing_suspected", "usage.limit_reached",
    ];

    /// <summary>What an endpoint may list in <c>events</c>.</summary>
    public static IReadOnlyList<string> Subscribable { get; } = [.. ChangeEvents, Ping, All];

    /// <summary>The event a change action produces, or null when it produces none (e.g. a product or API key change).</summary>
    public static string? ForAction(string? action) => action is not null && ChangeEvents.Contains(action, StringComparer.Ordinal) ? action : null;

    /// <summary>Whether an endpoint subscribed to <paramref name="events"/> receives <paramref name="type"/>; every endpoint receives its pings.</summary>
    public static bool Receives(IReadOnlyCollection<string> events, string type) =>
        type == Ping || events.Contains(All, StringComparer.Ordinal) || events.Contains(type, StringComparer.Ordinal);
}
