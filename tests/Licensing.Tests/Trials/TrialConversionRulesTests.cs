using Licensing.Domain.Billing;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;
using Licensing.Domain.Quotas;
using Licensing.Domain.Trials;
using Licensing.Tests.Support;

namespace Licensing.Tests.Trials;

/// <summary>
/// <see cref="TrialConversion"/> against in-memory stores with ETag semantics: the same purchase converts once however
/// often and however concurrently it is applied, and only the first purchase converts.
/// </summary>
public sealed class TrialConversionRulesTests
{
    private const string Account = "acct_0000000000000001";
    private readonly TestClock _clock = new();
    private readonly InMemoryLicenseStore _store = new();
    private readonly InMemoryProductStore _products = new();
    private readonly LicenseService _licenses;
    private readonly TrialConversion _conversion;
    private readonly Product _product;

    public TrialConversionRulesTests()
    {
        _licenses = new LicenseService(_store, _products, Signers.NewLocal(), _clock);
        _conversion = new TrialConversion(_licenses, _store, new UnlimitedQuotaStore(), _clock);
        _product = new ProductService(_products, _clock).PutAsync(Account, "my-plugin", new ProductInput("My Plugin",
        [
            new PlanInput("pro", "Pro", "subscription", 365, 3, ["analytics"], TrialDays: 14),
            new PlanInput("business", "Business", "subscription", 365, null, ["analytics", "branding"]),
        ]), CancellationToken.None).GetAwaiter().GetResult().Product;
    }

    private async Task<License> TrialAsync(string email) =>
        await _licenses.IssueAsync(Account, Licensing.Domain.Audit.Actor.Admin, new IssueLicenseInput("my-plugin", email, ["trial-site.com"], "pro",
            null, _clock.GetUtcNow().AddDays(14), null,
            null)
        { Trial = true }, TrialRules.LicenseIdFor(Account, "my-plugin", email), CancellationToken.None);

    private static PurchaseCompleted Purchase(string email, string session) =>
        new(ProviderRef.Stripe(session), email, "my-plugin", "business", null, [], null, null, null, new Dictionary<string, string?>())
        { Source = new BillingSource(ProviderRef.Stripe("evt_" + session), DateTimeOffset.UtcNow, TestMode: false) };

    private Task<string?> ConvertAsync(PurchaseCompleted purchase) =>
        _conversion.ConvertAsync(Account, purchase, _product, _product.FindPlan("business")!, Licensing.Domain.Audit.Actor.System("test"),
            CancellationToken.None);

    [Fact]
    public async Task The_same_purchase_converts_once_however_often_and_concurrently_it_is_applied_and_a_later_one_converts_nothing()
    {
        var trial = await TrialAsync("c@example.com");
        var purchase = Purchase("C@EXAMPLE.COM", "cs_1");
        var ids = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => ConvertAsync(purchase))));
        Assert.All(ids, id => Assert.Equal(trial.Id, id));
        var converted = (await _store.GetAsync(Account, trial.Id, CancellationToken.None))!;
        Assert.False(converted.Trial);
        Assert.Equal(("business", "cs_1", trial.Key), (converted.Plan, converted.ConvertedBy, converted.Key));

        // Applied again: the same license, unchanged.
        Assert.Equal(trial.Id, await ConvertAsync(purchase));
        Assert.Equal(converted.Version, (await _store.GetAsync(Account, trial.Id, CancellationToken.None))!.Version);
        // Another purchase by the same customer converts nothing: it issues its own license.
        Assert.Null(await ConvertAsync(Purchase("c@example.com", "cs_2")));
        Assert.Equal(1, _store.Count);
    }

    [Fact]
    public async Task Without_a_trial_or_after_the_purchase_issued_its_own_license_nothing_is_converted()
    {
        Assert.Null(await ConvertAsync(Purchase("nobody@example.com", "cs_3")));
        var purchase = Purchase("late@example.com", "cs_4");
        await _licenses.IssueAsync(Account, Licensing.Domain.Audit.Actor.Admin, new IssueLicenseInput("my-plugin", "late@example.com", null,
            "business", null, null, null, null),
            BillingKeys.LicenseIdForPurchase(Account, purchase.Purchase), CancellationToken.None);
        var trial = await TrialAsync("late@example.com");
        Assert.Null(await ConvertAsync(purchase));
        Assert.True((await _store.GetAsync(Account, trial.Id, CancellationToken.None))!.Trial);
    }
}
