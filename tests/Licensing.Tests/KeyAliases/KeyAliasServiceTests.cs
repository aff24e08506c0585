using Licensing.Domain.Common;
using Licensing.Domain.KeyAliases;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;
using Licensing.Domain.Signing;
using Licensing.Domain.Validation;
using Licensing.Tests.Support;

namespace Licensing.Tests.KeyAliases;

/// <summary>Alias keys without any emulator: the rules of attaching, moving and reading them (docs/license-keys.md).</summary>
public sealed class KeyAliasServiceTests
{
    private const string Account = "acct_00000000000000ab";
    private const string Other = "acct_00000000000000ac";
    private static readonly DateTimeOffset Start = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TestClock _clock = new(Start);
    private readonly InMemoryLicenseStore _licenses = new();
    private readonly InMemoryProductStore _products = new();
    private readonly InMemoryKeyAliasStore _aliases = new();
    private readonly Licensing.Functions.Signing.LocalRootSigner _signer = Signers.NewLocal();
    private readonly LicenseService _service;
    private readonly KeyAliasService _keys;

    public KeyAliasServiceTests()
    {
        _service = new LicenseService(_licenses, _products, _signer, _clock);
        _keys = new KeyAliasService(_aliases, _licenses, _service);
        foreach (var account in new[] { Account, Other })
            new ProductService(_products, _clock).PutAsync(account, "my-plugin", new ProductInput("My Plugin",
                [new PlanInput("pro", "Pro", "subscription", 365, 3, ["analytics", "export"])]), default).GetAwaiter().GetResult();
    }

    private Task<License> IssueAsync(string account = Account) =>
        _service.IssueAsync(account, Licensing.Domain.Audit.Actor.Admin, new IssueLicenseInput("my-plugin", "c@example.com", null, "pro", null, null,
            null, null), default);

    private Task<Verdict> ValidateAsync(string key, IKeyAliasStore? aliases = null, ILicenseStore? licenses = null) =>
        Runtimes.Create(_signer, licenses ?? _licenses, _products, _clock, aliases: aliases ?? _aliases)
            .ValidateAsync(new ValidationRequest(key, null, null, [], null), "192.0.2.1", default).AsTask();

    [Theory]
    [InlineData("3794577c-3dbc-11ec-9bbc-0242ac130002", true)]
    [InlineData("ABC-123", true)]
    [InlineData(" spaced key ~!", true)]
    [InlineData("", false)]
    [InlineData("LK1.looks-native", false)]
    [InlineData("tab\tinside", false)]
    [InlineData("caf\u00e9", false)]
    public void Alias_keys_are_1_to_128_printable_ascii_characters_outside_the_native_namespace(string key, bool wellFormed)
    {
        Assert.Equal(wellFormed, KeyAlias.IsWellFormed(key));
        Assert.True(KeyAlias.IsWellFormed(new string('k', 128)));
        Assert.False(KeyAlias.IsWellFormed(new string('k', 129)));
    }

    [Fact]
    public void The_hash_is_hex_sha256_of_the_key_as_given()
    {
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", KeyAlias.Hash("abc"));
        Assert.NotEqual(KeyAlias.Hash("ABC"), KeyAlias.Hash("abc"));
    }

    [Fact]
    public async Task An_attached_key_validates_as_its_license_with_one_alias_read_and_one_license_read()
    {
        var license = await IssueAsync();
        await _keys.AttachAsync(Account, license.Id, "3794577c-3dbc-11ec-9bbc-0242ac130002", Licensing.Domain.Audit.Actor.Admin, default);
        var (aliasReads, licenseReads) = (_aliases.Reads, _licenses.Reads);
        var verdict = await ValidateAsync("3794577c-3dbc-11ec-9bbc-0242ac130002");
        Assert.Equal(ValidationCode.Valid, verdict.Code);
        Assert.Equal(license.Id, verdict.License!.Id);
        Assert.NotNull(verdict.Certificate);
        Assert.Equal((aliasReads + 1, licenseReads + 1), (_aliases.Reads, _licenses.Reads));
        // The key is kept only as its hash, on the row and on the license.
        Assert.Equal([KeyAlias.Hash("3794577c-3dbc-11ec-9bbc-0242ac130002")], _aliases.Hashes);
        Assert.Equal([KeyAlias.Hash("3794577c-3dbc-11ec-9bbc-0242ac130002")], (await _licenses.GetAsync(Account, license.Id, default))!.KeyAliases);
    }

    [Fact]
    public async Task An_unknown_alias_costs_one_alias_read_and_no_license_read()
    {
        await IssueAsync();
        var (aliasReads, licenseReads) = (_aliases.Reads, _licenses.Reads);
        Assert.Equal(ValidationCode.NotFound, (await ValidateAsync("no-such-key")).Code);
        Assert.Equal((aliasReads + 1, licenseReads), (_aliases.Reads, _licenses.Reads));
    }

    [Fact]
    public async Task Native_forgeries_and_malformed_keys_touch_neither_store()
    {
        using var other = Signers.NewLocal();
        var forged = await LicenseKey.IssueAsync(other, new LicenseKeyId(Account, Ids.NewLicenseId()), default);
        var real = await LicenseKey.IssueAsync(_signer, new LicenseKeyId(Account, Ids.NewLicenseId()), default);
        foreach (var key in new[] { forged, real[..^1], real + "x", "LK1.forged", "", new string('k', 129), "caf\u00e9", "line\nbreak" })
            Assert.Equal(ValidationCode.NotFound, (await ValidateAsync(key, new UntouchableKeyAliasStore(), new UntouchableLicenseStore())).Code);
    }

    [Fact]
    public async Task Moving_a_key_keeps_the_license_and_the_previous_key_answers_not_found()
    {
        var license = await IssueAsync();
        await _keys.AttachAsync(Account, license.Id, "old-key", Licensing.Domain.Audit.Actor.Admin, default);
        var moved = await _keys.MoveAsync(Account, license.Id, "old-key", "new-key", Licensing.Domain.Audit.Actor.Admin, default);
        Assert.Equal([KeyAlias.Hash("new-key")], moved.KeyAliases);
        Assert.Equal(ValidationCode.NotFound, (await ValidateAsync("old-key")).Code);
        Assert.Equal(license.Id, (await ValidateAsync("new-key")).License!.Id);
        Assert.Equal([KeyAlias.Hash("new-key")], _aliases.Hashes); // the old row is gone, so the key is free again
        var next = await IssueAsync();
        await _keys.AttachAsync(Account, next.Id, "old-key", Licensing.Domain.Audit.Actor.Admin, default);
        Assert.Equal(next.Id, (await ValidateAsync("old-key")).License!.Id);
    }

    [Fact]
    public async Task A_key_belongs_to_one_license_in_the_whole_service_and_attaching_again_changes_nothing()
    {
        var mine = await IssueAsync();
        var theirs = await IssueAsync(Other);
        var first = await _keys.AttachAsync(Account, mine.Id, "shared", Licensing.Domain.Audit.Actor.Admin, default);
        var again = await _keys.AttachAsync(Account, mine.Id, "shared", Licensing.Domain.Audit.Actor.Admin, default);
        Assert.Equal(first.Version, again.Version);
        await Assert.ThrowsAsync<KeyUnavailableException>(() => _keys.AttachAsync(Other, theirs.Id, "shared", Licensing.Domain.Audit.Actor.Admin, default));
        Assert.Empty((await _licenses.GetAsync(Other, theirs.Id, default))!.KeyAliases);
        Assert.Equal(mine.Id, (await ValidateAsync("shared")).License!.Id);
    }

    [Fact]
    public async Task Many_licenses_claiming_one_key_at_once_leave_exactly_one_holder()
    {
        var licenses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => IssueAsync()));
        var outcomes = await Task.WhenAll(licenses.Select(l => Task.Run(async () =>
        {
            try { await _keys.AttachAsync(Account, l.Id, "contested", Licensing.Domain.Audit.Actor.Admin, default); return true; }
            catch (KeyUnavailableException) { return false; }
        })));
        Assert.Single(outcomes, o => o);
        var holders = new List<string>();
        foreach (var l in licenses)
            if ((await _licenses.GetAsync(Account, l.Id, default))!.KeyAliases.Contains(KeyAlias.Hash("contested"))) holders.Add(l.Id);
        Assert.Equal([licenses[Array.IndexOf(outcomes, true)].Id], holders);
        Assert.Equal(holders[0], (await ValidateAsync("contested")).License!.Id);
    }

    private Task<License> IssueWithKeyAsync(string account, string licenseId, string key, LicenseService? service = null) =>
        _keys.IssueWithKeyAsync(account, licenseId, key, Licensing.Domain.Audit.Actor.Admin, (listed, ct) =>
            (service ?? _service).IssueAsync(account, Licensing.Domain.Audit.Actor.Admin,
                new IssueLicenseInput("my-plugin", "c@example.com", null, "pro", null, null, null, null), licenseId, listed, ct), default);

    /// <summary>Runs a step once, just before the next license is created (after the key's row was claimed for it).</summary>
    private sealed class BeforeCreation(ILicenseStore inner, Func<Task> step) : DelegatingLicenseStore(inner)
    {
        private int _ran;

        public override async Task AddAsync(License license, IReadOnlyList<Activation> activations, IReadOnlyList<Licensing.Domain.Audit.ChangeRecord> journal,
            CancellationToken ct)
        {
            if (Interlocked.Exchange(ref _ran, 1) == 0) await step();
            await base.AddAsync(license, activations, journal, ct);
        }
    }

    [Fact]
    public async Task A_license_created_with_its_key_is_listed_in_its_first_write_and_validates()
    {
        var id = Licensing.Domain.Imports.LicenseImporter.LicenseIdFor(Account, KeyAlias.Hash("born-with-it"));
        var license = await IssueWithKeyAsync(Account, id, "born-with-it");
        Assert.Equal([KeyAlias.Hash("born-with-it")], license.KeyAliases);
        Assert.Equal("1", (await _licenses.GetAsync(Account, id, default))!.Version); // created listing it: no second write
        Assert.Equal(id, (await ValidateAsync("born-with-it")).License!.Id);
        // Again (a batch sent twice): the license as it is, one license.
        Assert.Equal("1", (await IssueWithKeyAsync(Account, id, "born-with-it")).Version);
    }

    [Fact]
    public async Task A_key_taken_between_the_claim_and_the_creation_is_the_takers_and_the_new_license_lists_no_key()
    {
        var taker = await IssueAsync(Other);
        var id = Licensing.Domain.Imports.LicenseImporter.LicenseIdFor(Account, KeyAlias.Hash("raced"));
        // Our row is claimed and no license lists it yet: the other account's claim may take it.
        var racing = new LicenseService(new BeforeCreation(_licenses,
            () => _keys.AttachAsync(Other, taker.Id, "raced", Licensing.Domain.Audit.Actor.Admin, default)), _products, _signer, _clock);
        var e = await Assert.ThrowsAsync<KeyUnavailableException>(() => IssueWithKeyAsync(Account, id, "raced", racing));
        Assert.Contains("another license", e.Message, StringComparison.Ordinal);
        Assert.Empty((await _licenses.GetAsync(Account, id, default))!.KeyAliases);
        Assert.Equal(taker.Id, (await ValidateAsync("raced")).License!.Id);
    }

    [Fact]
    public async Task A_key_found_taken_when_it_is_claimed_creates_no_license()
    {
        var holder = await IssueAsync(Other);
        await _keys.AttachAsync(Other, holder.Id, "held", Licensing.Domain.Audit.Actor.Admin, default);
        var id = Licensing.Domain.Imports.LicenseImporter.LicenseIdFor(Account, KeyAlias.Hash("held"));
        await Assert.ThrowsAsync<KeyUnavailableException>(() => IssueWithKeyAsync(Account, id, "held"));
        Assert.Null(await _licenses.GetAsync(Account, id, default));
        Assert.Equal(holder.Id, (await ValidateAsync("held")).License!.Id);
    }

    [Fact]
    public async Task An_input_refused_before_the_creation_leaves_no_claimed_row()
    {
        var id = Licensing.Domain.Imports.LicenseImporter.LicenseIdFor(Account, KeyAlias.Hash("never-made"));
        await Assert.ThrowsAsync<ValidationFailedException>(() => _keys.IssueWithKeyAsync(Account, id, "never-made", Licensing.Domain.Audit.Actor.Admin,
            (listed, ct) => _service.IssueAsync(Account, Licensing.Domain.Audit.Actor.Admin,
                new IssueLicenseInput("my-plugin", "not-an-email", null, "pro", null, null, null, null), id, listed, ct), default));
        Assert.Null(await _aliases.GetAsync(KeyAlias.Hash("never-made"), default));
    }

    [Fact]
    public async Task Creations_and_attachments_of_one_key_at_once_leave_exactly_one_holder()
    {
        var existing = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => IssueAsync(Other)));
        var attempts = existing.Select(l => (Func<Task<string>>)(async () =>
                (await _keys.AttachAsync(Other, l.Id, "wanted", Licensing.Domain.Audit.Actor.Admin, default)).Id))
            .Concat(new[] { Account, Other }.Select(a => (Func<Task<string>>)(async () =>
                (await IssueWithKeyAsync(a, Licensing.Domain.Imports.LicenseImporter.LicenseIdFor(a, KeyAlias.Hash("wanted")), "wanted")).Id)));
        var outcomes = await Task.WhenAll(attempts.Select(a => Task.Run(async () =>
        {
            try { return await a(); }
            catch (KeyUnavailableException) { return null; }
        })));
        var winner = Assert.Single(outcomes.OfType<string>());
        Assert.Equal(winner, (await ValidateAsync("wanted")).License!.Id);
        var listing = new List<string>();
        foreach (var (account, id) in existing.Select(l => (Other, l.Id))
            .Concat(new[] { Account, Other }.Select(a => (a, Licensing.Domain.Imports.LicenseImporter.LicenseIdFor(a, KeyAlias.Hash("wanted"))))))
            if ((await _licenses.GetAsync(account, id, default))?.KeyAliases.Contains(KeyAlias.Hash("wanted")) == true) listing.Add(id);
        Assert.Equal([winner], listing);
    }

    [Fact]
    public async Task A_row_no_license_lists_is_not_a_key_and_is_free_to_claim()
    {
        var abandoned = await IssueAsync();
        // A claim that stopped after its row and before the license listed it.
        Assert.True(await _aliases.AddAsync(KeyAlias.Hash("half-done"), new KeyAliasOwner(Account, abandoned.Id), default));
        Assert.Equal(ValidationCode.NotFound, (await ValidateAsync("half-done")).Code);
        var next = await IssueAsync(Other);
        await _keys.AttachAsync(Other, next.Id, "half-done", Licensing.Domain.Audit.Actor.Admin, default);
        Assert.Equal(next.Id, (await ValidateAsync("half-done")).License!.Id);
    }

    [Fact]
    public async Task Malformed_alias_keys_are_refused_naming_the_field_and_nothing_is_stored()
    {
        var license = await IssueAsync();
        foreach (var key in new[] { "", "LK1.mine", new string('k', 129), "tab\t" })
        {
            var refused = await Assert.ThrowsAsync<ValidationFailedException>(() => _keys.AttachAsync(Account, license.Id, key,
                Licensing.Domain.Audit.Actor.Admin, default));
            Assert.Contains("key", refused.Errors.Keys);
        }
        Assert.Empty(_aliases.Hashes);
    }

    [Fact]
    public async Task Guessing_alias_keys_is_throttled_per_address_and_then_even_a_real_key_waits()
    {
        var license = await IssueAsync();
        await _keys.AttachAsync(Account, license.Id, "real-alias", Licensing.Domain.Audit.Actor.Admin, default);
        var guard = new AbuseGuard(_clock, new RateLimitSettings { UnknownKeysBurst = 3, UnknownKeysPerSecond = 0.1 });
        var validation = Runtimes.Create(_signer, _licenses, _products, _clock, guard: guard, aliases: _aliases);
        Task<Verdict> From(string address, string key) => validation.ValidateAsync(new ValidationRequest(key, null, null, [], null), address, default).AsTask();
        for (var i = 0; i < 3; i++) Assert.Equal(ValidationCode.NotFound, (await From("198.51.100.7", $"guess-{i}")).Code);
        var reads = _aliases.Reads;
        var limited = await Assert.ThrowsAsync<RateLimitedException>(() => From("198.51.100.7", "guess-3"));
        Assert.True(limited.RetryAfter > TimeSpan.Zero);
        await Assert.ThrowsAsync<RateLimitedException>(() => From("198.51.100.7", "real-alias"));
        Assert.Equal(reads, _aliases.Reads); // refused before the lookup
        Assert.Equal(ValidationCode.Valid, (await From("198.51.100.8", "real-alias")).Code); // another address is not held back
        Assert.Equal(ValidationCode.Valid, (await From("198.51.100.7", license.Key)).Code); // native keys need no lookup
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(ValidationCode.Valid, (await From("198.51.100.7", "real-alias")).Code);
    }
}
