using Licensing.Domain.Common;
using Licensing.Domain.Signing;
using Licensing.Functions.Signing;
using Licensing.Tests.Support;

namespace Licensing.Tests.Signing;

/// <summary>
/// The per-instance cache of verified license keys: a repeat skips the ECDSA verify (counted by the cache's
/// <see cref="VerifiedKeyCache.Verifications"/>), a forged key is verified every time and never held, memory stays
/// within the bound, and a new set of root keys starts over.
/// </summary>
public sealed class VerifiedKeyCacheTests : IDisposable
{
    private readonly LocalRootSigner _signer = Signers.NewLocal();

    private string Issue(LicenseKeyId id) => LicenseKey.IssueAsync(_signer, id, CancellationToken.None).GetAwaiter().GetResult();

    private static LicenseKeyId NewId() => new(Ids.NewAccountId(), Ids.NewLicenseId());

    [Fact]
    public void A_repeat_answers_from_memory_with_the_same_id()
    {
        var ring = Signers.Ring(_signer);
        var cache = new VerifiedKeyCache();
        var id = NewId();
        var key = Issue(id);
        Assert.True(cache.TryVerify(key, ring, out var first));
        Assert.Equal(1, cache.Verifications);
        for (var i = 0; i < 5; i++)
        {
            Assert.True(cache.TryVerify(key, ring, out var again));
            Assert.Equal(id, again);
        }
        Assert.Equal(id, first);
        Assert.Equal(1, cache.Verifications);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void A_forged_key_costs_a_verify_every_time_and_is_never_held()
    {
        var ring = Signers.Ring(_signer);
        var cache = new VerifiedKeyCache();
        var genuine = Issue(NewId());
        // Same shape and payload, another signature: a forgery of the genuine key's bytes.
        var forged = genuine[..^2] + (genuine[^2] == 'A' ? "B" : "A") + genuine[^1];
        for (var i = 1; i <= 3; i++)
        {
            Assert.False(cache.TryVerify(forged, ring, out var id));
            Assert.Equal(default, id);
            Assert.Equal(i, cache.Verifications);
        }
        Assert.Equal(0, cache.Count);
        // Verifying the genuine key afterwards is unaffected, and the forgery still fails.
        Assert.True(cache.TryVerify(genuine, ring, out _));
        Assert.False(cache.TryVerify(forged, ring, out _));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void Many_distinct_valid_keys_stay_within_the_bound_and_all_still_verify()
    {
        var ring = Signers.Ring(_signer);
        var cache = new VerifiedKeyCache(capacity: 4);
        var keys = Enumerable.Range(0, 13).Select(_ => NewId()).Select(id => (Id: id, Key: Issue(id))).ToArray();
        foreach (var (id, key) in keys)
        {
            Assert.True(cache.TryVerify(key, ring, out var got));
            Assert.Equal(id, got);
            Assert.InRange(cache.Count, 1, 4);
        }
        Assert.Equal(keys.Length, cache.Verifications);
        // The most recent key is held: its repeat is answered from memory.
        Assert.True(cache.TryVerify(keys[^1].Key, ring, out _));
        Assert.Equal(keys.Length, cache.Verifications);
    }

    [Fact]
    public void A_new_root_key_set_starts_over_and_a_key_of_a_retired_root_no_longer_verifies()
    {
        var cache = new VerifiedKeyCache();
        var key = Issue(NewId());
        Assert.True(cache.TryVerify(key, Signers.Ring(_signer), out _));

        // The same keys loaded again (a periodic refresh): still answered from memory.
        Assert.True(cache.TryVerify(key, Signers.Ring(_signer), out _));
        Assert.Equal(1, cache.Verifications);

        // The root key retired: the ring holds another key only, and the cached verdict is not used.
        using var other = Signers.NewLocal();
        Assert.False(cache.TryVerify(key, Signers.Ring(other), out _));
        Assert.Equal(2, cache.Verifications);
        Assert.Equal(0, cache.Count);
    }

    public void Dispose() => _signer.Dispose();
}
