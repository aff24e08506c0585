using System.Security.Cryptography;
using System.Text;
using Licensing.Domain.Activations;
using Licensing.Domain.Billing;
using Licensing.Domain.Common;
using Licensing.Domain.Domains;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;

namespace Licensing.Domain.Trials;

/// <summary>A trial request that passed its shape checks: whose product, which plan, for whom, on which site or device.</summary>
public sealed record TrialRequest(string AccountId, string ProductId, string Plan, string CustomerEmail, ActivationTarget Target);

/// <summary>
/// The rules of trials (docs/trials.md): what a request must hold, which license a trial is (its id follows from the
/// product and the e-mail address, so one address has one trial license per product), what the one-trial claims are
/// keyed on, and how a purchase turns a trial into the paid license. Pure: no I/O.
/// </summary>
public static class TrialRules
{
    /// <summary>
    /// A claim whose license was never written (the request failed half way) is finished by the same request (same
    /// e-mail and site or device) once it is older than this; a request still in flight is never taken over.
    /// </summary>
    public static readonly TimeSpan ResumeAfter = TimeSpan.FromMinutes(2);

    /// <summary>One answer for an unknown account, product or plan and a plan without a trial: nothing is revealed.</summary>
    public const string NotOffered = "no trial is offered for this product and plan";

    public const string Taken = "a trial of this product was already started for this e-mail address or this site or device";

    /// <summary>Shape checks of <c>POST /v1/trials</c>, every field at once; the domain is normalised as every binding is.</summary>
    public static TrialRequest Parse(string? accountId, string? productId, string? plan, string? customerEmail, string? domain, string? fingerprint)
    {
        var errors = new FieldErrors();
        if (!Ids.IsAccountId(accountId)) errors.Add("accountId", "is required: the public id (acct_...) of the account that sells the product");
        if (!Naming.IsSlug(productId)) errors.Add("productId", "is required: 1-64 characters of a-z, 0-9 and '-'");
        if (!Naming.IsSlug(plan)) errors.Add("plan", "is required: 1-64 characters of a-z, 0-9 and '-'");
        var email = EmailAddress.Normalize(customerEmail);
        if (email is null) errors.Add("customerEmail", "must be a valid e-mail address");
        ActivationTarget? target = null;
        try
        {
            target = ActivationRules.ParseTarget(domain, fingerprint);
            if (target.Value.Domain is { } d && HostBindings.IsWildcard(d))
                errors.Add("domain", "a trial is for one site: give its host name, not a *.wildcard");
        }
        catch (ValidationFailedException e)
        {
            foreach (var (field, messages) in e.Errors)
                foreach (var message in messages) errors.Add(field, message);
        }
        errors.ThrowIfAny();
        return new TrialRequest(accountId!, productId!, plan!, email!, target!.Value);
    }

    /// <summary>The trial license of an e-mail address for a product: the same id however often, and whoever asks.</summary>
    public static string LicenseIdFor(string accountId, string productId, string customerEmail) =>
        Ids.FromBytes(Ids.LicensePrefix, Hash($"trial:{accountId}:{productId}:{EmailAddress.LookupKey(customerEmail)}").AsSpan(0, Ids.LicenseIdBytes));

    /// <summary>What the e-mail claim is keyed on: a hash, so the claim holds no address.</summary>
    public static string EmailKey(string accountId, string customerEmail) =>
        Convert.ToHexStringLower(Hash($"trial-email:{accountId}:{EmailAddress.LookupKey(customerEmail)}"));

    /// <summary>What the site-or-device claim is keyed on: the activation id of the binding (a hash of the normalised domain or the fingerprint).</summary>
    public static string DeviceKey(ActivationTarget target) => ActivationRules.IdFor(target);

    /// <summary>When the UTC day of <paramref name="now"/> ends: how long a full day's trial budget stays full.</summary>
    public static TimeSpan UntilNextDay(DateTimeOffset now) => now.UtcDateTime.Date.AddDays(1) - now.UtcDateTime;

    /// <summary>A trial this purchase may convert: still a trial, and not revoked by its founder.</summary>
    public static bool IsConvertible(License license) => license.Trial && license.Status != LicenseStatus.Revoked;

    /// <summary>
    /// The trial as the paid license of <paramref name="purchase"/>: same id and key, activations kept; the plan's terms
    /// as an issuance would set them (the provider's period end, else the plan's duration), active, trial flag cleared,
    /// and the purchase recorded, so a repeated delivery of it recognises its own conversion.
    /// </summary>
    public static License ToPaid(License trial, PurchaseCompleted purchase, Plan plan, DateTimeOffset now) => BillingRules.OnPlan(trial, plan) with
    {
        Trial = false,
        ConvertedBy = purchase.Purchase.LinkKey,
        ExpiresAt = purchase.PeriodEnd ?? plan.DefaultExpiry(now),
        UpdatesUntil = plan.Model == LicenseModel.Perpetual && plan.Policy.UpdatesDays is { } days ? now.AddDays(days) : null,
        Status = LicenseStatus.Active,
        StatusReason = null,
        BillingUpdatedAt = purchase.OccurredAt,
        Metadata = WithPurchase(trial.Metadata, purchase.Metadata),
    };

    /// <summary>The trial's metadata with what the purchase records about its origin over it.</summary>
    private static Dictionary<string, string> WithPurchase(IReadOnlyDictionary<string, string> trial, IReadOnlyDictionary<string, string?> purchase)
    {
        var all = new Dictionary<string, string>(trial, StringComparer.Ordinal);
        foreach (var (key, value) in purchase)
            if (value is not null) all[key] = value;
        return all;
    }

    private static byte[] Hash(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));
}
