using System.Diagnostics.Metrics;

namespace Licensing.Domain.Telemetry;

/// <summary>
/// The app's one <see cref="Meter"/> ("Licensing") and its counters. Static, so the hot path records a verdict with one
/// allocation-free <c>Add</c>; the exporters (Azure Monitor in Azure, the console locally) subscribe to the meter by name.
/// Tags are low-cardinality on purpose: never an account, license or key. docs/observability.md lists every instrument.
/// </summary>
public static class LicensingMetrics
{
    public const string MeterName = "Licensing";

    public static Meter Meter { get; } = new(MeterName, "1.0");

    private static readonly Counter<long> Validations =
        Meter.CreateCounter<long>("licensing.validations", "{validation}", "Validation verdicts, by code");
    private static readonly Counter<long> Activations =
        Meter.CreateCounter<long>("licensing.activations", "{request}", "Activate and deactivate answers, by operation and code");
    private static readonly Counter<long> ProviderEvents =
        Meter.CreateCounter<long>("licensing.provider_events", "{event}", "Payment-provider events processed, by provider, type and outcome");
    private static readonly Counter<long> WebhookFailures =
        Meter.CreateCounter<long>("licensing.webhooks.delivery_failures", "{attempt}", "Failed webhook delivery attempts; final=true when given up");
    private static readonly Counter<long> EmailDeliveries =
        Meter.CreateCounter<long>("licensing.email.deliveries", "{attempt}", "E-mail delivery attempts, by outcome (sent, retry, failed)");

    private static readonly Counter<long> HotRefreshRequests =
        Meter.CreateCounter<long>("licensing.hot_refresh.requests", "{request}", "Storage reads of the hot-entry refresher, by kind (range, ids, point)");
    private static readonly Counter<long> HotRefreshEntries =
        Meter.CreateCounter<long>("licensing.hot_refresh.entries", "{entry}", "Cache entries the hot-entry refresher renewed ahead of expiry");
    private static readonly Counter<long> HotRefreshFailures =
        Meter.CreateCounter<long>("licensing.hot_refresh.failures", "{failure}", "Refresher reads that failed (those entries expire as usual)");

    public static void HotRefresh(int range, int ids, int points, int entries, int failures)
    {
        if (range > 0) HotRefreshRequests.Add(range, new KeyValuePair<string, object?>("kind", "range"));
        if (ids > 0) HotRefreshRequests.Add(ids, new KeyValuePair<string, object?>("kind", "ids"));
        if (points > 0) HotRefreshRequests.Add(points, new KeyValuePair<string, object?>("kind", "point"));
        if (entries > 0) HotRefreshEntries.Add(entries);
        if (failures > 0) HotRefreshFailures.Add(failures);
    }

    public static void Verdict(string code) => Validations.Add(1, new KeyValuePair<string, object?>("code", code));

    public static void Activation(string operation, string code) =>
        Activations.Add(1, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("code", code));

    public static void ProviderEvent(string provider, string type, string outcome) =>
        ProviderEvents.Add(1, new KeyValuePair<string, object?>("provider", provider), new KeyValuePair<string, object?>("type", type),
            new KeyValuePair<string, object?>("outcome", outcome));

    public static void WebhookDeliveryFailed(bool final) => WebhookFailures.Add(1, new KeyValuePair<string, object?>("final", final));

    public static void EmailDelivery(string outcome) => EmailDeliveries.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
