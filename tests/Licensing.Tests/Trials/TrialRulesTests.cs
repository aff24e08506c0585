using Licensing.Domain.Billing;
using Licensing.Domain.Common;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;
using Licensing.Domain.Trials;
using Licensing.Tests.Validation;

namespace Licensing.Tests.Trials;

/// <summary>The trial rules, pure: request checks, which license a trial is, and what a purchase makes of it.</summary>
public sealed class TrialRulesTests
{
    private static readonly DateTimeOffset T0 = new(2027, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private const string Account = "acct_0000000000000001";

    private static License Trial() =>
        ValidationRulesTests.Sample(LicenseStatus.Active, T0.AddDays(14), "trial-site.com") with
        {
            Trial = true,
            Metadata = new Dictionary<string, string> { ["source"] = "trial" },
        };

    private static PurchaseCompleted Purchase(DateTimeOffset? periodEnd = null, string session = "cs_1") =>
        new(ProviderRef.Stripe(session), "c@example.com", "my-plugin", "business", null, [], ProviderRef.Stripe("sub_1"), null, periodEnd,
            new Dictionary<string, string?> { ["orderId"] = "A-1", ["empty"] = null })
        { Source = new BillingSource(ProviderRef.Stripe("evt_1"), T0, TestMode: false) };

    private static readonly Plan Business =
        new("business", "Business", LicenseModel.Subscription, 365, null, ["analytics", "export", "branding"], PlanPolicy.Default);

    [Fact]
    public void A_request_reports_every_bad_field_at_once_and_normalises_its_site()
    {
        var e = Assert.Throws<ValidationFailedException>(() => TrialRules.Parse("acct_x", "My Plugin", null, "nobody", null, null));
        Assert.Equal(["accountId", "customerEmail", "domain", "plan", "productId"], e.Errors.Keys.Order());
        Assert.Contains("domain", Assert.Throws<ValidationFailedException>(() => TrialRules.Parse(Account, "p", "pro", "c@example.com", "a.com", "fp"))
            .Errors.Keys);
        Assert.Contains("domain", Assert.Throws<ValidationFailedException>(() => TrialRules.Parse(Account, "p", "pro", "c@example.com", "*.a.com", null))
            .Errors.Keys);

        var request = TrialRules.Parse(Account, "p", "pro", " C@Example.com ", "https://WWW.Shop.Example.com:8443/x", null);
        Assert.Equal("shop.example.com", request.Target.Domain);
        Assert.Equal("C@Example.com", request.CustomerEmail);
        Assert.Equal("machine-1", TrialRules.Parse(Account, "p", "pro", "c@example.com", null, " machine-1 ").Target.Fingerprint);
    }

    [Fact]
    public void A_trial_is_one_license_per_account_product_and_address_whatever_its_case()
    {
        var id = TrialRules.LicenseIdFor(Account, "p", "C@Example.com");
        Assert.True(Ids.IsLicenseId(id));
        Assert.Equal(id, TrialRules.LicenseIdFor(Account, "p", "c@example.com"));
        Assert.NotEqual(id, TrialRules.LicenseIdFor(Account, "q", "c@example.com"));
        Assert.NotEqual(id, TrialRules.LicenseIdFor("acct_0000000000000002", "p", "c@example.com"));
        Assert.Equal(TrialRules.EmailKey(Account, "C@EXAMPLE.COM"), TrialRules.EmailKey(Account, "c@example.com"));
        Assert.DoesNotContain("example", TrialRules.EmailKey(Account, "c@example.com"));
        Assert.Equal(TimeSpan.FromHours(12), TrialRules.UntilNextDay(T0));
    }

    [Fact]
    public void A_purchase_makes_the_trial_the_paid_license_on_the_purchased_terms_keeping_its_id_key_and_activations()
    {
        var trial = Trial();
        var paid = TrialRules.ToPaid(trial, Purchase(), Business, T0);
        Assert.Equal((trial.Id, trial.Key, trial.Activations), (paid.Id, paid.Key, paid.Activations));
        Assert.False(paid.Trial);
        Assert.Equal("cs_1", paid.ConvertedBy);
        Assert.Equal(("business", LicenseModel.Subscription, (int?)null), (paid.Plan, paid.Model, paid.MaxActivations));
        Assert.Equal(Business.Features, paid.Features);
        Assert.Equal(T0.AddDays(365), paid.ExpiresAt);
        Assert.Equal(T0, paid.BillingUpdatedAt);
        Assert.Equal(new Dictionary<string, string> { ["source"] = "trial", ["orderId"] = "A-1" }, paid.Metadata);
        // The provider's period wins over the plan's duration; an expired or suspended trial becomes active.
        Assert.Equal(T0.AddDays(31), TrialRules.ToPaid(trial with { Status = LicenseStatus.Expired }, Purchase(T0.AddDays(31)), Business, T0).ExpiresAt);
        Assert.Equal(LicenseStatus.Active, TrialRules.ToPaid(trial with { Status = LicenseStatus.Suspended }, Purchase(), Business, T0).Status);
        var perpetual = Business with { Model = LicenseModel.Perpetual, Policy = new PlanPolicy { UpdatesDays = 365 } };
        var bought = TrialRules.ToPaid(trial, Purchase(), perpetual, T0);
        Assert.Equal((null, (DateTimeOffset?)T0.AddDays(365)), (bought.ExpiresAt, bought.UpdatesUntil));
    }

    [Fact]
    public void The_trial_e_mail_carries_the_key_and_the_end_and_escapes_what_founders_and_customers_wrote()
    {
        var product = new Product(Account, "my-plugin", "<b>Plug</b>", [Business with { Id = "pro", Name = "Pro & <i>more</i>" }], T0, T0,
            DevelopmentHostPolicy.Default);
        var message = TrialEmail.Compose(Trial(), product, "<trial-1@licensing>");
        Assert.Equal(("c@example.com", "Your <b>Plug</b> trial key", "<trial-1@licensing>"), (message.To, message.Subject, message.MessageId));
        Assert.Contains("LK1.test", message.Text);
        Assert.Contains("15 March 2027", message.Text);
        Assert.Contains("&lt;b&gt;Plug&lt;/b&gt;", message.Html);
        Assert.Contains("Pro &amp; &lt;i&gt;more&lt;/i&gt;", message.Html);
        Assert.DoesNotContain("<b>Plug", message.Html);
    }

    [Fact]
    public void Only_a_trial_the_founder_has_not_revoked_converts()
    {
        Assert.True(TrialRules.IsConvertible(Trial()));
        Assert.True(TrialRules.IsConvertible(Trial() with { Status = LicenseStatus.Expired }));
        Assert.False(TrialRules.IsConvertible(Trial() with { Status = LicenseStatus.Revoked }));
        Assert.False(TrialRules.IsConvertible(TrialRules.ToPaid(Trial(), Purchase(), Business, T0)));
    }
}
