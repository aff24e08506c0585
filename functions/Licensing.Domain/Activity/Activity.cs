using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Licensing.Domain.Common;
using Licensing.Domain.Domains;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;

namespace Licensing.Domain.Activity;

/// <summary>
/// What validations of one license looked like: first and last validation (time to first validation, active
/// licenses), counts, and the distinct domains, development hosts and client addresses seen in the current 24-hour
/// window (the sharing signal). Client addresses are kept only as short hashes.
/// </summary>
public sealed record LicenseActivity
{
    public required string AccountId { get; init; }
    public required string LicenseId { get; init; }
    public DateTimeOffset? FirstValidatedAt { get; init; }
    public DateTimeOffset? LastValidatedAt { get; init; }
    public long Validations { get; init; }
    public long ValidValidations { get; init; }
    public DateTimeOffset WindowStart { get; init; }
    public IReadOnlyList<string> WindowDomains { get; init; } = [];
    public IReadOnlyList<string> WindowAddresses { get; init; } = [];
    public IReadOnlyList<string> WindowDevelopmentHosts { get; init; } = [];
    public DateTimeOffset? SharingSuspectedAt { get; init; }
    public string? Version { get; init; }
}

public interface IActivityStore
{
    Task<LicenseActivity?> GetAsync(string accountId, string licenseId, CancellationToken ct);

    /// <summary>Inserts (Version null) or replaces if unchanged since read; else <see cref="ConcurrencyException"/>.</summary>
    Task AddOrReplaceAsync(LicenseActivity activity, CancellationToken ct);
}

/// <summary>
/// The sharing heuristic (docs/abuse.md): more distinct sites than slots, more distinct development hosts than the
/// plan's free allowance, or more than twice as many addresses as slots.
/// </summary>
public static class SharingSignal
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);
    public const int MaxTracked = 100;
    public const int AddressTolerance = 2;

    /// <summary>What a domain counts as: its site (registrable domain, by the Public Suffix List), so
    /// <c>shop.example.com</c> and <c>blog.example.com</c> are one site and <c>a.github.io</c> and <c>b.github.io</c>
    /// two; an IP address, or a host that is itself a public suffix, counts as itself.</summary>
    public static string Site(string domain) => PublicSuffixList.RegistrableDomain(domain) ?? domain;

    public static bool Suspected(int? maxActivations, int domains, int addresses, int developmentHosts = 0, int maxDevelopmentHosts = PlanPolicy.DefaultMaxDevelopmentHosts) =>
        maxActivations is { } slots &&
        (domains > Math.Max(slots, 1) || developmentHosts > maxDevelopmentHosts || addresses > AddressTolerance * Math.Max(slots, 1));
}

/// <summary>
/// Collects validation activity in memory on the hot path (no I/O); <see cref="ActivityFlusher"/> writes it out
/// coalesced: at most one storage write per license per flush, however many validations it saw.
/// </summary>
public sealed class ActivityRecorder(TimeProvider clock)
{
    private ConcurrentDictionary<(string, string), Pending> _pending = new();
    private long _recorded;

    public long Recorded => Interlocked.Read(ref _recorded);

    public void Record(License license, PlanPolicy policy, DevelopmentHostPolicy development, string? domain, string? address, bool valid)
    {
        Interlocked.Increment(ref _recorded);
        var now = clock.GetUtcNow();
        var pending = _pending.GetOrAdd((license.AccountId, license.Id), _ => new Pending(license.AccountId, license.Id));
        lock (pending)
        {
            pending.ProductId = license.ProductId;
            pending.LicenseCreatedAt = license.CreatedAt;
            pending.MaxActivations = license.MaxActivations;
            pending.MaxDevelopmentHosts = development.MaxHosts;
            pending.AutoSuspend = policy.AutoSuspendOnSharing;
            pending.First ??= now;
            pending.Last = now;
            pending.Count++;
            if (valid) pending.ValidCount++;
            if (domain is not null)
            {
                var seen = ActivationRules.IsDevelopmentHost(domain, development) ? pending.DevelopmentHosts : pending.Domains;
                if (seen.Count < SharingSignal.MaxTracked) seen.Add(domain);
            }
            if (address is not null && pending.Addresses.Count < SharingSignal.MaxTracked) pending.Addresses.Add(HashAddress(address));
        }
    }

    /// <summary>Takes everything recorded so far; recording continues into a fresh set.</summary>
    public IReadOnlyList<Pending> Drain()
    {
        var taken = Interlocked.Exchange(ref _pending, new ConcurrentDictionary<(string, string), Pending>());
        return [.. taken.Values];
    }

    /// <summary>Puts back what a failed flush could not write, merged with anything recorded since.</summary>
    public void Requeue(Pending failed)
    {
        var pending = _pending.GetOrAdd((failed.AccountId, failed.LicenseId), _ => new Pending(failed.AccountId, failed.LicenseId));
        lock (pending)
        {
            pending.ProductId = failed.ProductId;
            pending.LicenseCreatedAt = failed.LicenseCreatedAt;
            pending.MaxActivations ??= failed.MaxActivations;
            if (pending.Count == 0) pending.MaxDevelopmentHosts = failed.MaxDevelopmentHosts;
            pending.AutoSuspend |= failed.AutoSuspend;
            if (failed.First is { } f && (pending.First is null || f < pending.First)) pending.First = f;
            if (failed.Last > pending.Last) pending.Last = failed.Last;
            pending.Count += failed.Count;
            pending.ValidCount += failed.ValidCount;
            pending.Domains.UnionWith(failed.Domains);
            pending.DevelopmentHosts.UnionWith(failed.DevelopmentHosts);
            pending.Addresses.UnionWith(failed.Addresses);
        }
    }

    public static string HashAddress(string address) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(address)).AsSpan(0, 6));

    public sealed class Pending(string accountId, string licenseId)
    {
        public string AccountId { get; } = accountId;
        public string LicenseId { get; } = licenseId;
        public string ProductId { get; set; } = "";
        public DateTimeOffset LicenseCreatedAt { get; set; }
        public int? MaxActivations { get; set; }
        public int MaxDevelopmentHosts { get; set; } = PlanPolicy.DefaultMaxDevelopmentHosts;
        public bool AutoSuspend { get; set; }
        public DateTimeOffset? First { get; set; }
        public DateTimeOffset Last { get; set; }
        public long Count { get; set; }
        public long ValidCount { get; set; }
        public HashSet<string> Domains { get; } = new(StringComparer.Ordinal);
        public HashSet<string> Addresses { get; } = new(StringComparer.Ordinal);
        public HashSet<string> DevelopmentHosts { get; } = new(StringComparer.Ordinal);
    }
}

/// <summary>Tells an account it went past its monthly validation quota (once a month).</summary>
public interface IQuotaNotifier
{
    Task NotifyOverValidationQuotaAsync(string accountId, string month, long validations, long limit, CancellationToken ct);
}

/// <summary>
/// Merges recorded activity into storage and applies the per-plan auto-suspend; adds the day's validation counters
/// (metrics) and the account's monthly validations (quota), and tells an account once when it passes its quota.
/// </summary>
public sealed class ActivityFlusher(ActivityRecorder recorder, IActivityStore store, LicenseService licenses, TimeProvider clock,
    Metrics.IMetricsStore? metrics = null, Quotas.IQuotaStore? quotas = null, IQuotaNotifier? notifier = null)
{
    private long _writes;

    /// <summary>Storage writes made so far (for the amortised cost: compare with <see cref="ActivityRecorder.Recorded"/>).</summary>
    public long Writes => Interlocked.Read(ref _writes);

    public async Task<int> FlushAsync(CancellationToken ct)
    {
        var batch = recorder.Drain();
        Exception? firstFailure = null;
        foreach (var pending in batch)
        {
            try
            {
                await FlushOneAsync(pending, ct).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                recorder.Requeue(pending);
                firstFailure ??= e;
            }
        }
        var flushed = batch.Where(p => p.Count > 0).ToArray();
        try
        {
            await CountAsync(flushed, ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            firstFailure ??= e; // counters are telemetry: reported, not retried (the activity itself was written)
        }
        if (firstFailure is not null) throw firstFailure;
        return batch.Count;
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string), long[]> _firstValidations = new();

    private async Task CountAsync(IReadOnlyList<ActivityRecorder.Pending> batch, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var day = Metrics.MetricDays.Of(now);
        if (metrics is not null)
            foreach (var group in batch.GroupBy(p => (p.AccountId, p.ProductId)))
            {
                _firstValidations.TryRemove(group.Key, out var firsts);
                await metrics.AddAsync(group.Key.AccountId, group.Key.ProductId, day, new Metrics.MetricsDelta(
                    Validations: group.Sum(p => p.Count), ValidValidations: group.Sum(p => p.ValidCount), FirstValidationSeconds: firsts), ct).ConfigureAwait(false);
            }
        if (quotas is not null)
        {
            var month = Quotas.QuotaGate.Month(now);
            foreach (var account in batch.GroupBy(p => p.AccountId))
            {
                var total = await quotas.AddValidationsAsync(account.Key, month, account.Sum(p => p.Count), ct).ConfigureAwait(false);
                var quota = await quotas.GetAsync(account.Key, ct).ConfigureAwait(false);
                if (quota.Tier.MaxValidationsPerMonth is { } max && total > max && notifier is not null && await quotas.MarkNotifiedAsync(account.Key, month, ct).ConfigureAwait(false))
                    await notifier.NotifyOverValidationQuotaAsync(account.Key, month, total, max, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task FlushOneAsync(ActivityRecorder.Pending pending, CancellationToken ct)
    {
        var newlySuspected = await Concurrency.RetryAsync(async token =>
        {
            var current = await store.GetAsync(pending.AccountId, pending.LicenseId, token).ConfigureAwait(false);
            var (next, suspectedNow) = Merge(current, pending, clock.GetUtcNow());
            await store.AddOrReplaceAsync(next, token).ConfigureAwait(false);
            if (current?.FirstValidatedAt is null && next.FirstValidatedAt is { } first)
                _firstValidations.AddOrUpdate((pending.AccountId, pending.ProductId), [(long)(first - pending.LicenseCreatedAt).TotalSeconds],
                    (_, existing) => [.. existing, (long)(first - pending.LicenseCreatedAt).TotalSeconds]);
            Interlocked.Increment(ref _writes);
            return suspectedNow;
        }, ct).ConfigureAwait(false);
        if (newlySuspected && pending.AutoSuspend)
            await licenses.SuspendAsync(pending.AccountId, pending.LicenseId, ct, reason: "sharing").ConfigureAwait(false);
    }

    public static (LicenseActivity Next, bool NewlySuspected) Merge(LicenseActivity? current, ActivityRecorder.Pending p, DateTimeOffset now)
    {
        var windowOpen = current is not null && now - current.WindowStart < SharingSignal.Window;
        var domains = new HashSet<string>(windowOpen ? current!.WindowDomains : [], StringComparer.Ordinal);
        var addresses = new HashSet<string>(windowOpen ? current!.WindowAddresses : [], StringComparer.Ordinal);
        var developmentHosts = new HashSet<string>(windowOpen ? current!.WindowDevelopmentHosts : [], StringComparer.Ordinal);
        foreach (var d in p.Domains) if (domains.Count < SharingSignal.MaxTracked) domains.Add(SharingSignal.Site(d));
        foreach (var a in p.Addresses) if (addresses.Count < SharingSignal.MaxTracked) addresses.Add(a);
        foreach (var d in p.DevelopmentHosts) if (developmentHosts.Count < SharingSignal.MaxTracked) developmentHosts.Add(d);
        var suspected = SharingSignal.Suspected(p.MaxActivations, domains.Count, addresses.Count, developmentHosts.Count, p.MaxDevelopmentHosts);
        var suspectedBefore = windowOpen ? current!.SharingSuspectedAt : null;
        var first = current?.FirstValidatedAt is { } f && (p.First is null || f <= p.First) ? f : p.First;
        var next = new LicenseActivity
        {
            AccountId = p.AccountId,
            LicenseId = p.LicenseId,
            FirstValidatedAt = first,
            LastValidatedAt = current?.LastValidatedAt is { } l && l > p.Last ? l : p.Last,
            Validations = (current?.Validations ?? 0) + p.Count,
            ValidValidations = (current?.ValidValidations ?? 0) + p.ValidCount,
            WindowStart = windowOpen ? current!.WindowStart : now,
            WindowDomains = [.. domains],
            WindowAddresses = [.. addresses],
            WindowDevelopmentHosts = [.. developmentHosts],
            SharingSuspectedAt = suspected ? suspectedBefore ?? now : suspectedBefore,
            Version = current?.Version,
        };
        return (next, suspected && suspectedBefore is null);
    }
}
