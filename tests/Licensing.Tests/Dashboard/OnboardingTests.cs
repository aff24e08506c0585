using Licensing.Management;

namespace Licensing.Tests.Dashboard;

/// <summary>The onboarding checklist ticks from the account's state, step by step, in the seed's order.</summary>
public sealed class OnboardingTests
{
    private static Dictionary<string, bool> Done(OnboardingState s) => Onboarding.Steps(s).ToDictionary(x => x.Id, x => x.Done);

    [Fact]
    public void A_new_account_has_every_step_to_do_in_the_timelines_order()
    {
        var steps = Onboarding.Steps(new OnboardingState(0, 0, 0, null, false));
        Assert.Equal(["product", "sdk", "stripe", "purchase", "deploy"], steps.Select(s => s.Id));
        Assert.Equal([5, 10, 5, 5, 5], steps.Select(s => s.Minutes));
        Assert.All(steps, s => Assert.False(s.Done));
    }

    [Fact]
    public void Each_step_ticks_from_its_own_evidence_only()
    {
        Assert.Equal([true, false, false, false, false], Done(new(1, 0, 0, null, false)).Values);
        Assert.Equal([false, true, false, false, false], Done(new(0, 3, 0, null, false)).Values);
        Assert.Equal([false, false, true, false, false], Done(new(0, 0, 0, true, false)).Values);
        Assert.Equal([false, false, false, false, true], Done(new(0, 0, 0, null, true)).Values);
        // A provisioned license proves Stripe is connected, unless the API says it is not.
        Assert.Equal([false, false, true, true, false], Done(new(0, 0, 1, null, false)).Values);
        Assert.Equal([false, false, false, true, false], Done(new(0, 0, 1, false, false)).Values);
    }

    [Fact]
    public void A_license_counts_as_provisioned_only_when_its_metadata_names_a_stripe_event()
    {
        Assert.True(Onboarding.IsProvisioned(new License { Metadata = new Dictionary<string, string> { ["stripeEvent"] = "evt_1" } }));
        Assert.True(Onboarding.IsProvisioned(new License { Metadata = new Dictionary<string, string> { ["stripeCheckoutSession"] = "cs_1" } }));
        Assert.False(Onboarding.IsProvisioned(new License { Metadata = new Dictionary<string, string> { ["orderId"] = "A-1" } }));
        Assert.False(Onboarding.IsProvisioned(new License()));
    }
}
