using Licensing.Domain.Licenses;
using Licensing.Tests.Support;
using Licensing.Tests.Validation;

namespace Licensing.Tests.Licenses;

/// <summary>The license read cache keeps the object it holds when a reload finds the license at the same version.</summary>
public sealed class LicenseReadCacheTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);

    /// <summary>Answers every read with a new object, as storage does (each read deserializes the row afresh).</summary>
    private sealed class CopyingStore(ILicenseStore inner) : DelegatingLicenseStore(inner)
    {
        public override async Task<License?> GetAsync(string accountId, string licenseId, CancellationToken ct) =>
            await base.GetAsync(accountId, licenseId, ct) is { } l ? l with { } : null;
    }

    [Fact]
    public async Task A_reload_at_the_same_version_renews_the_entry_but_keeps_the_object_and_a_new_version_replaces_it()
    {
        var clock = new TestClock();
        var inner = new InMemoryLicenseStore();
        var sample = ValidationRulesTests.Sample();
        await inner.AddAsync(sample, [], [], default);
        var store = new CopyingStore(inner);
        var cache = new LicenseReadCache(clock, Ttl);
        Task<License?> Read() => cache.GetAsync(sample.AccountId, sample.Id, store, default).AsTask();

        var held = await Read();
        clock.Advance(Ttl + TimeSpan.FromSeconds(1));
        var reloaded = await Read();
        Assert.Equal(2, inner.Reads); // expired: read again, a new object at the same version...
        Assert.Same(held, reloaded); // ...and the one held is kept
        clock.Advance(Ttl - TimeSpan.FromSeconds(1));
        Assert.Same(held, await Read());
        Assert.Equal(2, inner.Reads); // its age counts from the second read

        // The background refresher's reload at the same version keeps it as well.
        var started = clock.GetUtcNow();
        Assert.True(cache.TryRefresh(sample.AccountId, sample.Id, await store.GetAsync(sample.AccountId, sample.Id, default), started));
        Assert.Same(held, await Read());

        // A change elsewhere (a new version) replaces it at the next reload.
        var changed = await inner.ReplaceAsync(held! with { Plan = "business" }, new ActivationChanges([], []), [], default);
        clock.Advance(Ttl + TimeSpan.FromSeconds(1));
        var after = await Read();
        Assert.NotSame(held, after);
        Assert.Equal(("business", changed.Version), (after!.Plan, after.Version));
    }

    [Fact]
    public async Task A_license_created_again_under_a_deleted_id_is_read_at_once_not_remembered_as_gone()
    {
        var clock = new TestClock();
        var store = new InMemoryLicenseStore();
        var sample = ValidationRulesTests.Sample();
        var cache = new LicenseReadCache(clock, Ttl);
        await store.AddAsync(sample, [], [], default);
        Assert.NotNull(await cache.GetAsync(sample.AccountId, sample.Id, store, default));

        // Deleted on this instance: reads here answer "gone" without storage.
        var held = (await store.GetAsync(sample.AccountId, sample.Id, default))!;
        await store.DeleteAsync(held, null!, default);
        cache.Remove(sample.AccountId, sample.Id);
        Assert.Null(await cache.GetAsync(sample.AccountId, sample.Id, store, default));

        // Issued again under the same id (an import of the same key, a provider's event sent again): read, not "gone".
        await store.AddAsync(sample with { Plan = "business" }, [], [], default);
        cache.Created(sample.AccountId, sample.Id);
        Assert.Equal("business", (await cache.GetAsync(sample.AccountId, sample.Id, store, default))?.Plan);
    }

    [Fact]
    public async Task A_version_seen_by_a_range_read_renews_only_an_older_entry_at_that_version()
    {
        var clock = new TestClock();
        var store = new InMemoryLicenseStore();
        var sample = ValidationRulesTests.Sample() with { Version = "v1" };
        await store.AddAsync(sample, [], [], default);
        var cache = new LicenseReadCache(clock, Ttl);
        Assert.Equal(Domain.Common.Renewal.NotHeld, cache.TryRenew(sample.AccountId, sample.Id, "v1", clock.GetUtcNow())); // nothing cached
        var held = await cache.GetAsync(sample.AccountId, sample.Id, store, default);
        var version = held!.Version!;

        // A read that started no later than the entry's own: nothing to renew.
        Assert.Equal(Domain.Common.Renewal.NotHeld, cache.TryRenew(sample.AccountId, sample.Id, version, clock.GetUtcNow()));
        clock.Advance(TimeSpan.FromSeconds(4));
        // Another version: changed, and the entry is left as it was (it still expires 5 s after its own read).
        Assert.Equal(Domain.Common.Renewal.Changed, cache.TryRenew(sample.AccountId, sample.Id, "other", clock.GetUtcNow()));
        // The held version: renewed from this read's start, the object kept.
        var renewedAt = clock.GetUtcNow();
        Assert.Equal(Domain.Common.Renewal.Renewed, cache.TryRenew(sample.AccountId, sample.Id, version, renewedAt));
        clock.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Same(held, await cache.GetAsync(sample.AccountId, sample.Id, store, default));
        Assert.Equal(1, store.Reads);
        clock.Advance(TimeSpan.FromSeconds(0.1)); // 5 s after the renewing read started: expired, read again
        await cache.GetAsync(sample.AccountId, sample.Id, store, default);
        Assert.Equal(2, store.Reads);

        // A cached "gone" met by a range read as a row: changed (read whole next), never renewed as gone.
        cache.Remove(sample.AccountId, sample.Id);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(Domain.Common.Renewal.Changed, cache.TryRenew(sample.AccountId, sample.Id, version, clock.GetUtcNow()));
    }
}
