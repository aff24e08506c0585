using FsCheck;
using FsCheck.Xunit;
using Licensing.Domain.Activations;

namespace Licensing.Tests.Activations;

/// <summary>Activation ids are stored in every license's activation index: remembering them must never change one.</summary>
public sealed class ActivationIdsTests
{
    [Fact]
    public void Ids_are_the_stored_ones_computed_by_sha256_of_the_domain_or_the_prefixed_fingerprint()
    {
        // Values from Python's hashlib: "act_" + the first 20 hex digits of SHA-256.
        Assert.Equal("act_58dc02ca14e0fa7e237a", ActivationRules.IdFor("customer-site.com"));
        Assert.Equal("act_efb905aeb1bd8ed99c75", ActivationRules.IdFor(new ActivationTarget(null, "machine-1")));
        // Asked again (now from memory): the same.
        Assert.Equal("act_58dc02ca14e0fa7e237a", ActivationRules.IdFor("customer-site.com"));
        Assert.Equal("act_efb905aeb1bd8ed99c75", ActivationRules.IdFor(new ActivationTarget(null, "machine-1")));
    }

    [Fact]
    public void A_domain_and_a_fingerprint_spelt_alike_get_different_ids()
    {
        var domain = ActivationRules.IdFor(new ActivationTarget("shop.example.com", null));
        var fingerprint = ActivationRules.IdFor(new ActivationTarget(null, "shop.example.com"));
        Assert.NotEqual(domain, fingerprint);
        Assert.Equal(ActivationIds.Compute("fp:shop.example.com"), fingerprint);
    }

    [Fact]
    public void Past_its_capacity_the_memo_starts_over_and_every_id_stays_right()
    {
        var targets = Enumerable.Range(0, ActivationIds.Capacity * 2 + 100).Select(i => $"site-{i}.example.com").ToArray();
        foreach (var round in Enumerable.Range(0, 2))
            foreach (var t in targets)
                Assert.Equal(ActivationIds.Compute(t), ActivationRules.IdFor(t));
    }

    [Fact]
    public void A_string_too_long_to_remember_gets_its_id_all_the_same()
    {
        var longer = new string('f', ActivationRules.MaxFingerprintLength + 44);
        foreach (var round in Enumerable.Range(0, 2))
        {
            Assert.Equal(ActivationIds.Compute("fp:" + longer), ActivationRules.IdFor(new ActivationTarget(null, longer)));
            Assert.Equal(ActivationIds.Compute(longer), ActivationRules.IdFor(new ActivationTarget(longer, null)));
        }
    }

    [Property(MaxTest = 300)]
    public bool Remembered_equals_computed(NonEmptyString value, bool fingerprint)
    {
        var target = fingerprint ? new ActivationTarget(null, value.Get) : new ActivationTarget(value.Get, null);
        var expected = ActivationIds.Compute(fingerprint ? "fp:" + value.Get : value.Get);
        return ActivationRules.IdFor(target) == expected && ActivationRules.IdFor(target) == expected;
    }
}
