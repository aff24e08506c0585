using System.Globalization;
using Licensing.Domain.Accounts;
using Licensing.Domain.Common;
using Licensing.Domain.Metrics;
using Licensing.Domain.Products;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Metrics;

/// <summary>Account: the five founder metrics for a product (or all products) over a date range, with a daily series.</summary>
public sealed class MetricsFunction(IMetricsStore metrics, IProductStore products, LiveSnapshots live, RequestAuth auth, TimeProvider clock)
{
    public const int MaxDays = 400;

    [Function(nameof(GetMetrics))]
    public async Task<IActionResult> GetMetrics(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/metrics")] HttpRequest req, CancellationToken ct)
    {
        var accountId = (await auth.RequireAccountAsync(req, Scopes.MetricsRead, ct)).AccountId;
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var errors = new FieldErrors();
        var productId = req.Query["productId"].ToString() is { Length: > 0 } p ? p : null;
        if (productId is not null && !Naming.IsSlug(productId)) errors.Add("productId", "must be a product id");
        var from = ParseDay(req.Query["from"], today.AddDays(-29), "from", errors);
        var to = ParseDay(req.Query["to"], today, "to", errors);
        if (to < from) errors.Add("to", "must not be before from");
        else if (to.DayNumber - from.DayNumber >= MaxDays) errors.Add("from", $"ranges are at most {MaxDays} days");
        errors.ThrowIfAny();

        var productIds = productId is not null ? [productId] : (await products.ListAsync(accountId, ct)).Select(x => x.Id).ToArray();
        var now = from <= today && today <= to ? await live.GetAsync(accountId, ct) : null;
        var current = now?.Products;
        var perDay = new SortedDictionary<string, List<DayMetrics>>(StringComparer.Ordinal);
        foreach (var id in productIds)
            foreach (var day in WithLiveToday(await metrics.ListAsync(accountId, id, Day(from), Day(to), ct), Day(today), current, id))
                (perDay.TryGetValue(day.Day, out var list) ? list : perDay[day.Day] = []).Add(day);

        var merged = perDay.Select(kv => Merge(kv.Key, kv.Value)).ToList();
        var summary = MetricsSummary.From(merged);
        return new ApiJsonResult(StatusCodes.Status200OK, new
        {
            productId,
            from = Day(from),
            to = Day(to),
            validationSuccessRate = summary.ValidationSuccessRate,
            validations = summary.Validations,
            validValidations = summary.ValidValidations,
            licenses = new { issued = summary.Issued, active = summary.Active },
            domainToLicenseRatio = summary.DomainToLicenseRatio,
            renewalRate = summary.RenewalRate,
            renewals = summary.Renewals,
            expirations = summary.Expirations,
            timeToFirstValidation = new
            {
                licenses = summary.FirstValidations,
                meanSeconds = summary.MeanSecondsToFirstValidation,
                medianSeconds = summary.MedianSecondsToFirstValidation
            },
            testLicenses = now is null ? (long?)null : productIds.Sum(id => now.TestLicenses.GetValueOrDefault(id)),
            definitions = Definitions,
            daily = merged.Select(d => new
            {
                date = d.Day,
                validations = d.Validations,
                validValidations = d.ValidValidations,
                validationSuccessRate = d.Validations == 0 ? (double?)null : (double)d.ValidValidations / d.Validations,
                issued = d.Issued,
                active = d.Active,
                activeDomains = d.ActiveDomains,
                domainToLicenseRatio = d.Active is > 0 ? (double)d.ActiveDomains!.Value / d.Active.Value : (double?)null,
                renewals = d.Renewals,
                expirations = d.Expirations,
                firstValidations = d.FirstValidationSeconds.Count,
                firstValidationMedianSeconds = MetricsSummary.From([d]).MedianSecondsToFirstValidation,
            }),
        });
    }

    public static IReadOnlyDictionary<string, string> Definitions { get; } = new Dictionary<string, string>
    {
        ["validationSuccessRate"] = "VALID verdicts / all verdicts for well-formed requests with a genuine key, in the range",
        ["licenses.issued"] = "licenses that exist (any status) at the latest snapshot in the range (today: live, at most 60 s old)",
        ["licenses.active"] = "licenses whose effective status is active at the latest snapshot in the range (today: live, at most 60 s old)",
        ["domainToLicenseRatio"] = "distinct domains bound to active licenses / active licenses, at the latest snapshot in the range"
            + " (today: live, at most 60 s old)",
        ["renewalRate"] = "renewals / (renewals + expirations) in the range; a renewal is an extended expiry (renew, or a Stripe renewal invoice),"
            + " an expiration a license that reached its expiry or ended",
        ["timeToFirstValidation"] = "for licenses first validated in the range: seconds from issuance to the first validation (mean and median)",
    };

    /// <summary>Today's snapshot from the live values (at most a minute old) instead of the last hourly roll-up.</summary>
    private static IEnumerable<DayMetrics> WithLiveToday(IReadOnlyList<DayMetrics> days, string today,
        IReadOnlyDictionary<string, ProductSnapshot>? current, string productId)
    {
        if (current is null) return days;
        var snapshot = current.GetValueOrDefault(productId) ?? new ProductSnapshot(0, 0, 0);
        var row = days.FirstOrDefault(d => d.Day == today) ?? new DayMetrics { Day = today };
        return days.Where(d => d.Day != today)
            .Append(row with { Issued = snapshot.Issued, Active = snapshot.Active, ActiveDomains = snapshot.ActiveDomains });
    }

    private static DayMetrics Merge(string day, List<DayMetrics> parts) => new()
    {
        Day = day,
        Validations = parts.Sum(p => p.Validations),
        ValidValidations = parts.Sum(p => p.ValidValidations),
        Renewals = parts.Sum(p => p.Renewals),
        Expirations = parts.Sum(p => p.Expirations),
        FirstValidationSeconds = parts.SelectMany(p => p.FirstValidationSeconds).ToArray(),
        Issued = parts.Any(p => p.Issued is not null) ? parts.Sum(p => p.Issued ?? 0) : null,
        Active = parts.Any(p => p.Active is not null) ? parts.Sum(p => p.Active ?? 0) : null,
        ActiveDomains = parts.Any(p => p.ActiveDomains is not null) ? parts.Sum(p => p.ActiveDomains ?? 0) : null,
    };

    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly ParseDay(string? value, DateOnly fallback, string field, FieldErrors errors)
    {
        if (string.IsNullOrEmpty(value)) return fallback;
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        errors.Add(field, "must be a date (yyyy-MM-dd)");
        return fallback;
    }
}
