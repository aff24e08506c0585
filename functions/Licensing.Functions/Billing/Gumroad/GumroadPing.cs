using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Licensing.Functions.Billing.Gumroad;

/// <summary>
/// A Gumroad Ping or resource notification: <c>application/x-www-form-urlencoded</c>, nested fields bracket-encoded
/// (<c>custom_fields[plan]=pro</c>). Which notification it is: <c>resource_name</c> (<c>sale</c> when absent, as in the Ping).
/// </summary>
public sealed class GumroadPing
{
    private readonly Dictionary<string, Microsoft.Extensions.Primitives.StringValues> _fields;

    private GumroadPing(Dictionary<string, Microsoft.Extensions.Primitives.StringValues> fields) => _fields = fields;

    public static GumroadPing Parse(byte[] body) => new(QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body)));

    public string? this[string name] => _fields.TryGetValue(name, out var v) && v.Count > 0 && !string.IsNullOrEmpty(v[0]) ? v[0] : null;

    public bool IsTrue(string name) => this[name] is "true" or "1";

    public string Resource => this["resource_name"] ?? "sale";

    /// <summary>A custom value the founder passes: a custom field, a URL parameter of the product link, or a top-level field.</summary>
    public string? Custom(string name) => this[$"custom_fields[{name}]"] ?? this[$"url_params[{name}]"] ?? this[name];

    public DateTimeOffset? Time(string name) => ProviderJson.Instant(this[name]);

    /// <summary>The resource's own time, which orders its events: when the sale, cancellation, end or restart happened.</summary>
    public DateTimeOffset? OccurredAt => Resource switch
    {
        "sale" => Time("sale_timestamp"),
        "cancellation" => Time("cancelled_at"),
        "subscription_ended" => Time("ended_at"),
        "subscription_restarted" => Time("restarted_at"),
        _ => null,
    };

    /// <summary>
    /// Gumroad sends no event id: a notification is named by its resource and the sale or subscription it is about (and,
    /// for subscription changes, when they happened; for refunds, how much is refunded), so a retry is the same event and a
    /// later full refund after a partial one is another.
    /// </summary>
    public string? EventId => Resource switch
    {
        "refund" => this["sale_id"] is { } sale ? $"refund:{sale}:{(IsTrue("refunded") ? "full" : "partial")}:{this["amount_refunded_in_cents"]}" : null,
        "sale" or "dispute" => this["sale_id"] is { } sale ? $"{Resource}:{sale}" : null,
        _ => this["subscription_id"] is { } sub ? $"{Resource}:{sub}@{this["cancelled_at"] ?? this["ended_at"] ?? this["restarted_at"] ?? ""}" : null,
    };

    /// <summary>The end of the period a membership charge pays for, from the sale's time and its recurrence.</summary>
    public DateTimeOffset? PeriodEnd => (Time("sale_timestamp"), this["recurrence"]) switch
    {
        ({ } at, "monthly") => at.AddMonths(1),
        ({ } at, "quarterly") => at.AddMonths(3),
        ({ } at, "biannually") => at.AddMonths(6),
        ({ } at, "yearly") => at.AddYears(1),
        ({ } at, "every_two_years") => at.AddYears(2),
        _ => null,
    };
}
