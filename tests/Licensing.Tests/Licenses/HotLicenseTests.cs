using Licensing.Domain.Activity;
using Licensing.Domain.Common;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;
using Licensing.Domain.Signing;
using Licensing.Tests.Support;
using Licensing.Tests.Validation;

namespace Licensing.Tests.Licenses;

/// <summary>
/// A verified key's <see cref="HotLicense"/> only skips lookups: what it keeps is the state the shared structures hold (the
/// license cache's entry, the license's rate bucket, its activity record, the certificate entry), and each is given up the
/// moment that structure lets go of it, so every write, limit and count reads exactly as through a lookup.
/// </summary>
public sealed class HotLicenseTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);

    private static HotLicense HotFor(License license) => new(new LicenseKeyId(license.AccountId, license.Id));

    [Fact]
    public async Task The_kept_cache_entry_serves_until_the_cache_replaces_removes_or_ages_it()
    {
        var clock = new TestClock();
        var store = new InMemoryLicenseStore();
        var sample = ValidationRulesTests.Sample();
        await store.AddAsync(sample, [], [], default);
        var cache = new LicenseReadCache(clock, Ttl);
        var hot = HotFor(sample);
        Task<License?> Read() => cache.GetAsync(hot, store, default).AsTask();

        var first = await Read();
        Assert.Same(first, await Read());
        Assert.Equal(1, store.Reads);

        // A write on this instance is seen at once, through the key's hot state as through a lookup.
        var written = first! with { Features = ["export"], Version = "v2" };
        cache.Update(written);
        Assert.Same(written, await Read());
        Assert.Same(written, await cache.GetAsync(sample.AccountId, sample.Id, store, default));

        // The background refresher's newer version replaces it as well.
        clock.Advance(TimeSpan.FromSeconds(1));
        var refreshed = written with { Plan = "agency", Version = "v3" };
        Assert.True(cache.TryRefresh(sample.AccountId, sample.Id, refreshed, clock.GetUtcNow()));
        Assert.Same(refreshed, await Read());

        // A deletion here: the next read misses at once (the cache holds "gone" until its TTL).
        cache.Remove(sample.AccountId, sample.Id);
        Assert.Null(await Read());

        // And the kept entry ages like any other: past the TTL, storage is read again.
        var reads = store.Reads;
        clock.Advance(Ttl + TimeSpan.FromSeconds(1));
        Assert.NotNull(await Read());
        Assert.Equal(reads + 1, store.Reads);
    }

    [Fact]
    public void Two_keys_of_one_license_share_its_one_rate_bucket_and_a_dropped_bucket_is_not_kept()
    {
        var clock = new TestClock();
        var guard = new AbuseGuard(clock, new RateLimitSettings { PerKeyBurst = 3, PerKeyPerSecond = 1 });
        var license = ValidationRulesTests.Sample();
        HotLicense oldKey = HotFor(license), newKey = HotFor(license);
        guard.CheckLicense(license.Id, oldKey);
        guard.CheckLicense(license.Id, newKey);
        guard.CheckLicense(license.Id);
        Assert.Throws<RateLimitedException>(() => guard.CheckLicense(license.Id, oldKey));
        Assert.Throws<RateLimitedException>(() => guard.CheckLicense(license.Id, newKey));

        // Idle until full, then swept out of the set by another key's call: the kept bucket is dropped and the key's new one is used.
        clock.Advance(TimeSpan.FromSeconds(10));
        guard.CheckLicense("lic_other");
        guard.CheckLicense(license.Id);
        guard.CheckLicense(license.Id);
        guard.CheckLicense(license.Id, oldKey);
        Assert.Throws<RateLimitedException>(() => guard.CheckLicense(license.Id, newKey));
    }

    [Fact]
    public void Activity_kept_by_the_key_goes_to_the_next_flush_once_a_flush_has_taken_it()
    {
        var recorder = new ActivityRecorder(new TestClock());
        var license = ValidationRulesTests.Sample();
        var hot = HotFor(license);
        recorder.Record(license, PlanPolicy.Default, DevelopmentHostPolicy.Default, "a.example.com", "198.51.100.1", true, hot);
        recorder.Record(license, PlanPolicy.Default, DevelopmentHostPolicy.Default, "a.example.com", "198.51.100.1", true, hot);
        var first = Assert.Single(recorder.Drain());
        Assert.Equal(2, first.Count);

        recorder.Record(license, PlanPolicy.Default, DevelopmentHostPolicy.Default, "b.example.com", "198.51.100.1", true, hot);
        Assert.Equal(2, first.Count); // not written into the record a flush took
        var second = Assert.Single(recorder.Drain());
        Assert.Equal(1, second.Count);
        Assert.Equal(["b.example.com"], second.Domains);
    }

    [Fact]
    public async Task No_validation_is_lost_between_keys_kept_records_and_flushes_taking_them()
    {
        var recorder = new ActivityRecorder(new TestClock());
        var license = ValidationRulesTests.Sample();
        HotLicense[] keys = [HotFor(license), HotFor(license)];
        const int PerWriter = 20_000;
        long drained = 0;
        using var stop = new CancellationTokenSource();
        var flusher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                drained += recorder.Drain().Sum(p => p.Count);
                await Task.Yield();
            }
        });
        await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < PerWriter; i++)
                recorder.Record(license, PlanPolicy.Default, DevelopmentHostPolicy.Default, "a.example.com", null, true, keys[(w + i) % 2]);
        })));
        await stop.CancelAsync();
        await flusher;
        drained += recorder.Drain().Sum(p => p.Count);
        Assert.Equal(4L * PerWriter, drained);
    }

    [Fact]
    public void The_kept_certificate_is_used_only_for_its_own_key_and_while_the_cache_holds_it()
    {
        var clock = new TestClock();
        var cache = new CertificateCache(clock, TimeSpan.FromSeconds(60));
        var license = ValidationRulesTests.Sample();
        var hot = HotFor(license);
        var rva = clock.GetUtcNow().AddHours(24);
        CertificateCacheKey Key(string domain) => new(license.AccountId, license.Id, "v1", domain, null, false, 72, "kid1");
        IssuedCertificate a = new("cert-a", rva), b = new("cert-b", rva), a2 = new("cert-a2", rva);

        cache.Add(Key("a.example.com"), a, hot);
        Assert.True(cache.TryGet(Key("a.example.com"), rva, hot, out var got));
        Assert.Same(a, got);
        Assert.False(cache.TryGet(Key("c.example.com"), rva, hot, out _));

        cache.Add(Key("b.example.com"), b, hot); // a second site: both are kept...
        Assert.True(cache.TryGet(Key("b.example.com"), rva, hot, out got));
        Assert.Same(b, got);
        Assert.True(cache.TryGet(Key("a.example.com"), rva, hot, out got)); // ...never mistaken for a, nor a for b
        Assert.Same(a, got);

        // More sites than the key keeps: each still gets its own certificate, the ones not kept by lookup.
        var more = Enumerable.Range(0, CertificateCache.KeptPerKey + 2)
            .Select(i => (Key: Key($"s{i}.example.com"), Issued: new IssuedCertificate($"cert-s{i}", rva))).ToArray();
        foreach (var (key, issued) in more) cache.Add(key, issued, hot);
        foreach (var (key, issued) in more.Reverse())
        {
            Assert.True(cache.TryGet(key, rva, hot, out got));
            Assert.Same(issued, got);
        }
        Assert.True(cache.TryGet(Key("b.example.com"), rva, hot, out got));
        Assert.Same(b, got);

        cache.Add(Key("a.example.com"), a2); // a new certificate for a, signed on another path: the kept entry is superseded
        Assert.True(cache.TryGet(Key("a.example.com"), rva, hot, out got));
        Assert.Same(a2, got);

        Assert.False(cache.TryGet(Key("a.example.com"), rva.AddMinutes(5), hot, out _)); // the window's rule holds through the kept entry
        clock.Advance(TimeSpan.FromSeconds(61));
        Assert.False(cache.TryGet(Key("a.example.com"), rva, hot, out _));
    }

    [Fact]
    public async Task Kept_plan_policies_follow_every_product_write_plan_change_and_expiry()
    {
        var clock = new TestClock();
        var store = new InMemoryProductStore();
        var license = ValidationRulesTests.Sample(); // product my-plugin, plan pro
        Product ProductWith(int hours) => new(license.AccountId, license.ProductId, "Plug",
            [new Plan("pro", "Pro", LicenseModel.Subscription, 365, 3, [], new PlanPolicy { RevalidateAfterHours = hours }),
                new Plan("agency", "Agency", LicenseModel.Subscription, 365, 10, [], new PlanPolicy { RevalidateAfterHours = 1 })],
            clock.GetUtcNow(), clock.GetUtcNow(), DevelopmentHostPolicy.Default);
        await store.UpsertAsync(ProductWith(12), default);
        var products = new ProductCache(store, clock);
        var hot = HotFor(license);
        Task<KeptPolicies> Policies(License l) => products.PoliciesAsync(l, hot, default).AsTask();

        var kept = await Policies(license);
        Assert.Equal(12, kept.PlanPolicy.RevalidateAfterHours);
        Assert.Same(kept, await Policies(license)); // the repeat: the kept answer itself
        Assert.Equal(1, store.Reads);

        // A product written on this instance replaces the entry: the kept answer is given up at once.
        products.Set(ProductWith(6));
        var written = await Policies(license);
        Assert.Equal(6, written.PlanPolicy.RevalidateAfterHours);
        Assert.Same(written, await Policies(license));

        // The same key's license on another plan (a plan change): that plan's policies, not the kept ones.
        Assert.Equal(1, (await Policies(license with { Plan = "agency" })).PlanPolicy.RevalidateAfterHours);
        Assert.Equal(6, (await Policies(license)).PlanPolicy.RevalidateAfterHours);

        // Past the product cache's TTL the kept answer is not used: the product is read again, with whatever changed in storage.
        await store.UpsertAsync(ProductWith(3), default);
        var reads = store.Reads;
        clock.Advance(ProductCache.Ttl + TimeSpan.FromSeconds(1));
        Assert.Equal(3, (await Policies(license)).PlanPolicy.RevalidateAfterHours);
        Assert.Equal(reads + 1, store.Reads);
    }
}
