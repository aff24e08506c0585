using Licensing.Domain.Audit;
using Licensing.Domain.Common;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;
using Licensing.Domain.Signing;
using Licensing.Domain.Validation;
using Licensing.Tests.Support;

namespace Licensing.Tests.Licenses;

public sealed class LicenseServiceTests
{
    private const string Account = "acct_00000000000000aa";
    private static readonly DateTimeOffset Start = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TestClock _clock = new(Start);
    private readonly InMemoryLicenseStore _licenses = new();
    private readonly InMemoryProductStore _products = new();
    private readonly Licensing.Functions.Signing.LocalRootSigner _signer = Signers.NewLocal();
    private readonly LicenseService _service;

    public LicenseServiceTests()
    {
        _service = new LicenseService(_licenses, _products, _signer, _clock);
        new ProductService(_products, _clock).PutAsync(Account, "my-plugin", new ProductInput("My Plugin",
        [
            new PlanInput("pro", "Pro", "subscription", 365, 3, ["analytics", "export"]),
            new PlanInput("lifetime", "Lifetime", "lifetime", null, 1, ["analytics"]),
        ]), CancellationToken.None).GetAwaiter().GetResult();
    }

    private static IssueLicenseInput Input(string plan = "pro", IReadOnlyList<string?>? domains = null, IReadOnlyList<string?>? features = null,
        DateTimeOffset? expiresAt = null, int? maxActivations = null, string email = "c@example.com", string product = "my-plugin") =>
        new(product, email, domains, plan, features, expiresAt, maxActivations, null);

    [Fact]
    public async Task Omitted_terms_come_from_the_plan()
    {
        var l = await _service.IssueAsync(Account, Actor.Admin, Input(domains: ["https://www.Site.com/"]), default);
        Assert.Equal(["analytics", "export"], l.Features);
        Assert.Equal(Start.AddDays(365), l.ExpiresAt);
        Assert.Equal(3, l.MaxActivations);
        Assert.Equal(["site.com"], (await _service.ActivationsAsync(l, default)).Select(a => a.Domain));
        Assert.Equal(LicenseStatus.Active, l.Status);
        Assert.Equal(1, _licenses.Count);
    }

    [Fact]
    public async Task Given_terms_are_used_exactly()
    {
        var l = await _service.IssueAsync(Account, Actor.Admin, Input(features: ["custom-branding"], expiresAt: Start.AddDays(10), maxActivations: 7), default);
        Assert.Equal(["custom-branding"], l.Features);
        Assert.Equal(Start.AddDays(10), l.ExpiresAt);
        Assert.Equal(7, l.MaxActivations);
    }

    [Fact]
    public async Task Lifetime_licenses_do_not_expire()
    {
        var l = await _service.IssueAsync(Account, Actor.Admin, Input(plan: "lifetime"), default);
        Assert.Null(l.ExpiresAt);
    }

    [Theory]
    [InlineData("nope", "pro", "c@example.com", "productId")]
    [InlineData("my-plugin", "gold", "c@example.com", "plan")]
    [InlineData("my-plugin", "pro", "not-an-email", "customerEmail")]
    [InlineData("Bad Id", "pro", "c@example.com", "productId")]
    public async Task Bad_input_names_the_field_and_writes_nothing(string product, string plan, string email, string field)
    {
        var e = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            _service.IssueAsync(Account, Actor.Admin, Input(plan, email: email, product: product), default));
        Assert.Contains(field, e.Errors.Keys);
        Assert.Equal(0, _licenses.Count);
    }

    [Fact]
    public async Task More_domains_than_activations_is_refused()
    {
        var e = await Assert.ThrowsAsync<ValidationFailedException>(() => _service.IssueAsync(Account, Actor.Admin,
            Input(plan: "lifetime", domains: ["a.com", "b.com"]),
            default));
        Assert.Contains("domains", e.Errors.Keys);
        Assert.Equal(0, _licenses.Count);
    }

    [Fact]
    public async Task Duplicate_domains_after_normalisation_take_one_slot()
    {
        var l = await _service.IssueAsync(Account, Actor.Admin, Input(plan: "lifetime", domains: ["a.com", "https://WWW.a.com/x"]), default);
        Assert.Equal(["a.com"], (await _service.ActivationsAsync(l, default)).Select(a => a.Domain));
    }

    [Fact]
    public async Task Past_expiry_is_refused()
    {
        var e = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            _service.IssueAsync(Account, Actor.Admin, Input(expiresAt: Start.AddSeconds(-1)), default));
        Assert.Contains("expiresAt", e.Errors.Keys);
    }

    [Fact]
    public async Task State_verbs_follow_the_lifecycle()
    {
        var l = await _service.IssueAsync(Account, Actor.Admin, Input(), default);
        Assert.Equal(LicenseStatus.Suspended, (await _service.SuspendAsync(Account, l.Id, Actor.Admin, default)).Status);
        Assert.Equal(LicenseStatus.Active, (await _service.ReinstateAsync(Account, l.Id, Actor.Admin, default)).Status);
        Assert.Equal(LicenseStatus.Active, (await _service.ReinstateAsync(Account, l.Id, Actor.Admin, default)).Status); // already active: no change
        Assert.Equal(Start.AddDays(400), (await _service.RenewAsync(Account, l.Id, Actor.Admin, Start.AddDays(400), default)).ExpiresAt);
        Assert.Equal(LicenseStatus.Revoked, (await _service.RevokeAsync(Account, l.Id, Actor.Admin, default)).Status);
        await Assert.ThrowsAsync<ConflictException>(() => _service.SuspendAsync(Account, l.Id, Actor.Admin, default));
        await Assert.ThrowsAsync<ConflictException>(() => _service.ReinstateAsync(Account, l.Id, Actor.Admin, default));
        await Assert.ThrowsAsync<ConflictException>(() => _service.RenewAsync(Account, l.Id, Actor.Admin, Start.AddDays(500), default));
        Assert.Equal(LicenseStatus.Revoked, (await _service.RevokeAsync(Account, l.Id, Actor.Admin, default)).Status);
        // Each change journaled with its write, named for what happened; the no-op reinstate and revoke journal nothing.
        Assert.Equal([LicenseChanges.Created, LicenseChanges.Suspended, LicenseChanges.Reinstated, LicenseChanges.Renewed, LicenseChanges.Revoked],
            _licenses.Journal.Select(r => r.Action));
        Assert.All(_licenses.Journal, r => Assert.Equal((Actor.Admin, l.Id, l.Id), (r.Actor, r.Target.Id, r.LicenseId)));
        Assert.Equal(_licenses.Journal.Count, _licenses.Journal.Select(r => r.Id).Distinct().Count());
        var renewed = _licenses.Journal.Single(r => r.Action == LicenseChanges.Renewed).Changes!["expiresAt"];
        Assert.Equal(Start.AddDays(400), renewed.To!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task Another_accounts_license_is_not_found()
    {
        var l = await _service.IssueAsync(Account, Actor.Admin, Input(), default);
        await Assert.ThrowsAsync<NotFoundException>(() => _service.GetAsync("acct_00000000000000bb", l.Id, default));
        await Assert.ThrowsAsync<NotFoundException>(() => _service.SuspendAsync("acct_00000000000000bb", l.Id, Actor.Admin, default));
    }

    [Fact]
    public async Task Concurrent_state_changes_all_land_without_lost_updates()
    {
        var l = await _service.IssueAsync(Account, Actor.Admin, Input(), default);
        var dates = Enumerable.Range(1, 20).Select(i => Start.AddDays(400 + i)).ToArray();
        await Task.WhenAll(dates.Select(d => Task.Run(() => _service.RenewAsync(Account, l.Id, Actor.Admin, d, default))));
        Assert.Contains((await _service.GetAsync(Account, l.Id, default)).ExpiresAt!.Value, dates);
    }

    [Fact]
    public async Task A_forged_or_malformed_key_is_refused_before_any_storage_call()
    {
        var validation = Runtimes.Create(_signer, new UntouchableLicenseStore(), new UntouchableProductStore(), _clock,
            aliases: new UntouchableKeyAliasStore());
        using var other = Signers.NewLocal();
        var forged = await LicenseKey.IssueAsync(other, new LicenseKeyId(Account, Ids.NewLicenseId()), default);
        var real = await LicenseKey.IssueAsync(_signer, new LicenseKeyId(Account, Ids.NewLicenseId()), default);
        var tampered = real[..^2] + (real[^2] == 'A' ? "B" : "A") + real[^1];
        foreach (var key in new[] { forged, tampered, "LK1.garbage", "", real + "x", real[..^1] })
            Assert.Equal(ValidationCode.NotFound, (await validation.ValidateAsync(new ValidationRequest(key, null, null, [], null), null, default)).Code);
        // The same service does reach storage for a genuine key: the untouchable store throws.
        await Assert.ThrowsAsync<InvalidOperationException>(
            () => validation.ValidateAsync(new ValidationRequest(real, null, null, [], null), null, default).AsTask());
    }

    [Fact]
    public async Task A_real_key_costs_exactly_one_point_read()
    {
        var l = await _service.IssueAsync(Account, Actor.Admin, Input(domains: ["a.com"]), default);
        var validation = Runtimes.Create(_signer, _licenses, _products, _clock);
        var request = new ValidationRequest(l.Key, "a.com", null, ["export"], "my-plugin");
        await validation.ValidateAsync(request, null, default); // warms the product cache and the certificate key
        var (licenseReads, productReads) = (_licenses.Reads, _products.Reads);
        for (var i = 0; i < 10; i++)
            Assert.Equal(ValidationCode.Valid, (await validation.ValidateAsync(request, null, default)).Code);
        Assert.Equal(licenseReads + 10, _licenses.Reads);
        Assert.Equal(productReads, _products.Reads);
    }
}
