using Licensing.Domain.Accounts;
using Licensing.Domain.Activations;
using Licensing.Domain.Common;
using Licensing.Domain.Email;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;

namespace Licensing.Domain.Portal;

/// <summary>One license as its customer sees it in the portal, with the names of its product and plan and the deactivations left.</summary>
public sealed record PortalLicense(License License, IReadOnlyList<Activation> Activations, string ProductName, string PlanName, int? DeactivationsRemaining);

/// <summary>What a customer's deactivation did, and how many more the plan allows in the current 30 days (null: no cap).</summary>
public sealed record PortalDeactivation(DeactivationOutcome Outcome, int? DeactivationsRemaining);

/// <summary>
/// What a signed-in customer may see and do, always within the session's account and only on licenses whose
/// customer e-mail is the session's address (compared case-insensitively, as the license index stores it): list them,
/// free a site or machine within the plan's self-service deactivation cap (the public deactivate's rule, through
/// <see cref="ActivationService"/>, recorded with the customer as the actor), get the key e-mailed again, and open the
/// payment provider's billing page. Anything else is answered as not found, never as someone else's.
/// </summary>
public sealed class PortalService(ILicenseStore licenses, ProductCache products, ActivationService activations, EmailOutboxService outbox,
    IBillingPortal billing, SignInLinks links, TimeProvider clock, LicenseReadCache? cache = null)
{
    /// <summary>The license metadata entry naming the Stripe customer (set by Stripe provisioning, or by the founder).</summary>
    public const string StripeCustomerKey = "stripeCustomer";

    /// <summary>At most this many licenses are listed for one customer.</summary>
    public const int MaxLicenses = 200;

    public async Task<(IReadOnlyList<PortalLicense> Licenses, bool BillingAvailable)> ListAsync(PortalCustomer customer, CancellationToken ct)
    {
        var owned = await OwnedLicensesAsync(customer, ct).ConfigureAwait(false);
        var items = new List<PortalLicense>(owned.Count);
        foreach (var license in owned) items.Add(await DescribeAsync(license, ct).ConfigureAwait(false));
        var billingAvailable = owned.Any(l => StripeCustomer(l) is not null) && await billing.ConnectedAsync(customer.AccountId, ct).ConfigureAwait(false);
        return (items, billingAvailable);
    }

    /// <summary>Frees one activation of one of the customer's licenses; it counts toward the plan's deactivation cap.</summary>
    public async Task<PortalDeactivation> DeactivateAsync(PortalCustomer customer, string licenseId, string activationId, CancellationToken ct)
    {
        var license = await OwnedAsync(customer, licenseId, ct).ConfigureAwait(false);
        var activation = await licenses.GetActivationAsync(license, activationId, ct).ConfigureAwait(false)
            ?? throw new NotFoundException($"license '{licenseId}' has no activation '{activationId}'");
        var policy = await PolicyAsync(license, ct).ConfigureAwait(false);
        var outcome = await activations.DeactivateAsync(license, new ActivationTarget(activation.Domain, activation.Fingerprint), policy, customer.Actor, ct)
            .ConfigureAwait(false);
        cache?.Update(outcome.License);
        return new PortalDeactivation(outcome, Remaining(outcome.License, policy));
    }

    /// <summary>Queues the license e-mail again, to the license's address (the customer's own).</summary>
    public async Task<OutboxEmail> ResendAsync(PortalCustomer customer, string licenseId, CancellationToken ct)
    {
        var license = await OwnedAsync(customer, licenseId, ct).ConfigureAwait(false);
        var product = await products.GetAsync(license.AccountId, license.ProductId, ct).ConfigureAwait(false);
        var email = LicenseEmail.Resend(license, product, clock.GetUtcNow());
        await outbox.QueueAsync(email, ct).ConfigureAwait(false);
        return email;
    }

    /// <summary>A billing page for the customer's payment-provider account, returning to the portal; not found when there is none.</summary>
    public async Task<Uri> BillingPageAsync(PortalCustomer customer, CancellationToken ct)
    {
        var owned = await OwnedLicensesAsync(customer, ct).ConfigureAwait(false);
        var stripeCustomer = owned.Select(StripeCustomer).FirstOrDefault(c => c is not null)
            ?? throw new NotFoundException("billing for your licenses is not managed online; contact the seller");
        return await billing.CreateSessionAsync(customer.AccountId, stripeCustomer, links.Portal(customer.AccountId), ct).ConfigureAwait(false)
            ?? throw new NotFoundException("the seller has not connected online billing; contact the seller");
    }

    private async Task<License> OwnedAsync(PortalCustomer customer, string licenseId, CancellationToken ct)
    {
        var license = Ids.IsLicenseId(licenseId) ? await licenses.GetAsync(customer.AccountId, licenseId, ct).ConfigureAwait(false) : null;
        return license is not null && Owns(customer, license) ? license : throw new NotFoundException($"license '{licenseId}' is not among your licenses");
    }

    private async Task<IReadOnlyList<License>> OwnedLicensesAsync(PortalCustomer customer, CancellationToken ct)
    {
        var owned = new List<License>();
        string? token = null;
        do
        {
            var page = await licenses.ListAsync(customer.AccountId, new LicenseQuery(null, customer.Email, null, token, 100), clock.GetUtcNow(), ct)
                .ConfigureAwait(false);
            owned.AddRange(page.Items.Where(l => Owns(customer, l)));
            token = page.ContinuationToken;
        }
        while (token is not null && owned.Count < MaxLicenses);
        return owned.Take(MaxLicenses).ToList();
    }

    private static bool Owns(PortalCustomer customer, License license) =>
        license.AccountId == customer.AccountId && license.CustomerEmail.Length > 0
        && EmailAddress.LookupKey(license.CustomerEmail) == EmailAddress.LookupKey(customer.Email);

    private async Task<PortalLicense> DescribeAsync(License license, CancellationToken ct)
    {
        var product = await products.GetAsync(license.AccountId, license.ProductId, ct).ConfigureAwait(false);
        var listed = await licenses.ListActivationsAsync(license, ct).ConfigureAwait(false);
        var (policy, _) = ProductCache.Policies(product, license.Plan);
        return new PortalLicense(license, listed, product?.Name ?? license.ProductId, product?.FindPlan(license.Plan)?.Name ?? license.Plan,
            Remaining(license, policy));
    }

    private async Task<PlanPolicy> PolicyAsync(License license, CancellationToken ct) =>
        ProductCache.Policies(await products.GetAsync(license.AccountId, license.ProductId, ct).ConfigureAwait(false), license.Plan).Plan;

    /// <summary>Deactivations still allowed in the rolling 30 days; null when the plan sets no cap.</summary>
    private int? Remaining(License license, PlanPolicy policy)
    {
        if (policy.MaxDeactivationsPer30Days is not { } cap) return null;
        var since = clock.GetUtcNow() - ActivationRules.DeactivationWindow;
        return Math.Max(0, cap - license.Deactivations.Count(d => d > since));
    }

    private static string? StripeCustomer(License license) =>
        license.Metadata.TryGetValue(StripeCustomerKey, out var id) && id.StartsWith("cus_", StringComparison.Ordinal) ? id : null;
}
