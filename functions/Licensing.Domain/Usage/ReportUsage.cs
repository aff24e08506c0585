using Licensing.Domain.Licenses;
using Licensing.Domain.Validation;

namespace Licensing.Domain.Usage;

/// <summary>The answer of <c>POST /v1/usage</c>: the exact period total after this report.</summary>
public sealed record UsageReport(
    bool Recorded, bool Duplicate, string? Code, string Detail, long Used, long? Limit, DateTimeOffset? PeriodStart, DateTimeOffset? PeriodEnd);

/// <summary><c>POST /v1/usage</c>: records metered use against a key, once per idempotency key.</summary>
public sealed class ReportUsage(KeyedLicenseReader reader, IUsageLedger ledger, UsageCache usage, TimeProvider clock, UsageLimitEvents? limits = null)
{
    public async Task<UsageReport> ReportUsageAsync(string key, long quantity, string idempotencyKey, string? address, CancellationToken ct)
    {
        var license = await reader.ReadForUsageAsync(key, address, ct).ConfigureAwait(false);
        if (license is null) return new UsageReport(false, false, ValidationCode.NotFound.ToWire(), ValidationRules.NotFound.Detail, 0, null, null, null);
        var now = clock.GetUtcNow();
        if (ValidationRules.Status(license, now) is { } failed) return new UsageReport(false, false, failed.Code.ToWire(), failed.Detail, 0, null, null, null);
        var (_, policy, _) = await reader.PoliciesAsync(license, ct).ConfigureAwait(false);
        var period = UsagePeriods.Key(policy.UsagePeriod, now);
        var (start, end) = UsagePeriods.Bounds(policy.UsagePeriod, now);
        var added = await ledger.AddAsync(license.AccountId, license.Id, period, idempotencyKey, quantity, now, ct).ConfigureAwait(false);
        var total = await ledger.GetTotalAsync(license.AccountId, license.Id, period, ct).ConfigureAwait(false);
        usage.Set(license.AccountId, license.Id, period, total);
        if (limits is not null) await limits.OnTotalAsync(license, period, policy.UsageLimit, total, ct).ConfigureAwait(false);
        return new UsageReport(added, !added, null, added ? "recorded" : "already recorded (same idempotency key)", total, policy.UsageLimit, start, end);
    }
}
