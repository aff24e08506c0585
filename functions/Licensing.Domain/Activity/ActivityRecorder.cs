using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Licensing.Domain.Activations;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;

namespace Licensing.Domain.Activity;

/// <summary>
/// Collects validation activity in memory on the hot path (no I/O); <see cref="ActivityFlusher"/> writes it out
/// coalesced: at most one storage write per license per flush, however many validations it saw.
/// </summary>
public sealed class ActivityRecorder(TimeProvider clock)
{
    private readonly ConcurrentDictionary<(string, string), Pending> _pending = new();

    /// <summary>One validation of <paramref name="license"/>, into its record of this flush interval (the one <paramref name="hot"/> kept, if any).</summary>
    public void Record(License license, PlanPolicy policy, DevelopmentHostPolicy development, string? domain, string? address, bool valid,
        HotLicense? hot = null)
    {
        var now = clock.GetUtcNow();
        // The license's record of this flush interval: the one the key's hot state kept, unless a flush has taken it since.
        var pending = Enter(license.AccountId, license.Id, hot?.Activity);
        if (hot is not null && hot.Id.LicenseId == license.Id) hot.Activity = pending;
        try
        {
            pending.ProductId = license.ProductId;
            pending.Test = license.Test;
            pending.LicenseCreatedAt = license.CreatedAt;
            pending.MaxActivations = license.MaxActivations;
            pending.MaxDevelopmentHosts = development.MaxHosts;
            pending.AutoSuspend = policy.AutoSuspendOnSharing;
            pending.First ??= now;
            pending.Last = now;
            pending.Count++;
            if (valid) pending.ValidCount++;
            // The same site as the last validation of this license (the usual case) is already in its set: not classified again. A
            // development host is one served as such, as its certificate says: a host the license holds an activation for is a site.
            if (domain is not null && domain != pending.LastDomain)
            {
                var seen = ActivationRules.ServedAsDevelopmentHost(license, domain, development) ? pending.DevelopmentHosts : pending.Domains;
                if (seen.Count < SharingSignal.MaxTracked) seen.Add(domain);
                pending.LastDomain = domain;
            }
            // The same client as the last validation of this license (the usual case) is already in the set: no hash again.
            if (address is not null && address != pending.LastAddress && pending.Addresses.Count < SharingSignal.MaxTracked)
            {
                pending.Addresses.Add(HashAddress(address));
                pending.LastAddress = address;
            }
        }
        finally
        {
            Monitor.Exit(pending);
        }
    }

    /// <summary>
    /// The license's record not yet taken by a flush, entered (locked): <paramref name="kept"/> if it still is, else the one in the
    /// set (made if missing). A record leaves the set and is marked drained in one step under its lock (<see cref="Drain"/>), so a
    /// record found not drained is in the set and will be flushed.
    /// </summary>
    private Pending Enter(string accountId, string licenseId, Pending? kept)
    {
        var pending = kept;
        while (true)
        {
            pending ??= _pending.GetOrAdd((accountId, licenseId), static key => new Pending(key.Item1, key.Item2));
            Monitor.Enter(pending);
            if (!pending.Drained) return pending;
            Monitor.Exit(pending);
            pending = null;
        }
    }

    /// <summary>
    /// Takes everything recorded so far; recording continues into fresh records. Each record leaves the set and is marked drained
    /// under its lock, so a validation that kept it (<see cref="HotLicense"/>) records into a fresh one, and none writes into a record
    /// being flushed.
    /// </summary>
    public IReadOnlyList<Pending> Drain()
    {
        var taken = new List<Pending>(_pending.Count);
        foreach (var (key, pending) in _pending)
            lock (pending)
                if (_pending.TryRemove(new KeyValuePair<(string, string), Pending>(key, pending)))
                {
                    pending.Drained = true;
                    taken.Add(pending);
                }
        return taken;
    }

    /// <summary>Puts back what a failed flush could not write, merged with anything recorded since.</summary>
    public void Requeue(Pending failed)
    {
        var pending = Enter(failed.AccountId, failed.LicenseId, null);
        try
        {
            pending.ProductId = failed.ProductId;
            pending.Test = failed.Test;
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
        finally
        {
            Monitor.Exit(pending);
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

        /// <summary>A test-mode license: its validations count in no quota or metric.</summary>
        public bool Test { get; set; }
        public DateTimeOffset? First { get; set; }
        public DateTimeOffset Last { get; set; }
        public long Count { get; set; }
        public long ValidCount { get; set; }
        public HashSet<string> Domains { get; } = new(StringComparer.Ordinal);
        public HashSet<string> Addresses { get; } = new(StringComparer.Ordinal);
        public HashSet<string> DevelopmentHosts { get; } = new(StringComparer.Ordinal);

        /// <summary>The address whose hash was last added (in memory only, never written): a repeat skips the hash.</summary>
        internal string? LastAddress { get; set; }

        /// <summary>The site last added to <see cref="Domains"/> or <see cref="DevelopmentHosts"/> (in memory only): a repeat is skipped.</summary>
        internal string? LastDomain { get; set; }

        /// <summary>Taken by a flush (<see cref="Drain"/>): later validations record into the next interval's record.</summary>
        internal bool Drained { get; set; }
    }
}
