using System.Security.Cryptography;
using Licensing.Domain.Common;
using Licensing.Domain.KeyAliases;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;
using Licensing.Domain.ShortKeys;
using Licensing.Domain.Signing;
using Licensing.Domain.Validation;
using Licensing.Tests.Support;

namespace Licensing.Tests.ShortKeys;

/// <summary>Short-key licenses without any emulator: issuance, the in-memory MAC gate, typing variants, rotation.</summary>
public sealed class ShortKeyRulesTests
{
    private const string Account = "acct_00000000000000ab";
    private readonly TestClock _clock = new(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly InMemoryLicenseStore _licenses = new();
    private readonly InMemoryProductStore _products = new();
    private readonly InMemoryKeyAliasStore _aliases = new();
    private readonly Licensing.Functions.Signing.LocalRootSigner _signer = Signers.NewLocal();
    private readonly Secrets _secrets = new();

    public ShortKeyRulesTests()
    {
        var products = new ProductService(_products, _clock);
        foreach (var (id, format) in new[] { ("short-plugin", "short"), ("signed-plugin", (string?)null) })
            products.PutAsync(Account, id, new ProductInput("Plugin", [new PlanInput("pro", "Pro", "subscription", 365, 3, ["export"])], KeyFormat: format),
                default).GetAwaiter().GetResult();
    }

    private sealed class Secrets : IShortKeySecrets
    {
        public Dictionary<int, byte[]> ByVersion { get; } = new() { [1] = RandomNumberGenerator.GetBytes(32) };
        public int CurrentVersion { get; set; } = 1;
        public byte[]? Get(int version) => ByVersion.GetValueOrDefault(version);
    }

    private ShortKeyRing Ring => new(_secrets);

    private LicenseService Service(bool shortKeys = true) =>
        new(_licenses, _products, _signer, _clock, shortKeys: shortKeys ? new ShortKeyIssuer(Ring, _aliases) : null);

    private Task<License> IssueAsync(string product = "short-plugin", string? licenseId = null, bool shortKeys = true) =>
        Service(shortKeys).IssueAsync(Account, Licensing.Domain.Audit.Actor.Admin,
            new IssueLicenseInput(product, "c@example.com", null, "pro", null, null, null, null), licenseId, default);

    private Task<Verdict> ValidateAsync(string key, IKeyAliasStore? aliases = null, ILicenseStore? licenses = null) =>
        Runtimes.Create(_signer, licenses ?? _licenses, _products, _clock, aliases: aliases ?? _aliases, shortKeys: Ring)
            .ValidateAsync(new ValidationRequest(key, null, null, [], null), "192.0.2.1", default).AsTask();

    [Fact]
    public async Task A_short_key_product_issues_a_short_key_stored_only_as_the_hash_of_its_canonical_form()
    {
        var license = await IssueAsync();
        Assert.Matches("^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){4}$", license.CustomerKey);
        Assert.Equal(1, license.ShortKeyVersion);
        Assert.StartsWith(LicenseKey.Prefix, license.Key, StringComparison.Ordinal); // the internal signed key is kept
        Assert.Equal([KeyAlias.Hash(license.CustomerKey)], license.KeyAliases);
        Assert.Equal([KeyAlias.Hash(license.CustomerKey)], _aliases.Hashes);
        // Shown again from the id and the secret (GET, e-mail, replays), never read back from storage.
        var stored = await _licenses.GetAsync(Account, license.Id, default);
        Assert.Equal(license.CustomerKey, Ring.Reveal(stored! with { ShortKey = null }).CustomerKey);

        var signed = await IssueAsync("signed-plugin");
        Assert.Equal(signed.Key, signed.CustomerKey);
        Assert.Null(signed.ShortKeyVersion);
    }

    [Fact]
    public async Task Issuing_the_same_license_id_again_gives_the_same_short_key()
    {
        var id = Ids.NewLicenseId();
        var first = await IssueAsync(licenseId: id);
        var again = await IssueAsync(licenseId: id);
        Assert.Equal(first.CustomerKey, again.CustomerKey);
        Assert.Single(_aliases.Hashes);
    }

    [Fact]
    public async Task Typing_variants_validate_and_a_forged_or_mistyped_key_is_not_found_before_any_storage_read()
    {
        var license = await IssueAsync();
        var key = license.CustomerKey;
        var bare = key.Replace("-", "", StringComparison.Ordinal);
        foreach (var typed in new[] { key, key.ToLowerInvariant(), bare, string.Join(' ', key.Split('-')), " " + bare.ToLowerInvariant() + " ",
            key.Replace('0', 'O').Replace('1', 'I'), key.Replace('1', 'l').Replace('0', 'o') })
            Assert.Equal(license.Id, (await ValidateAsync(typed)).License?.Id);

        var last = ShortKey.Alphabet.IndexOf(key[^1], StringComparison.Ordinal);
        var mistyped = key[..^1] + ShortKey.Alphabet[(last + 1) % 32];
        var otherSecret = ShortKey.New(1, RandomNumberGenerator.GetBytes(32));
        var unknownVersion = ShortKey.New(2, RandomNumberGenerator.GetBytes(32));
        foreach (var forged in new[] { mistyped, otherSecret, unknownVersion })
            Assert.Equal(ValidationCode.NotFound, (await ValidateAsync(forged, new UntouchableKeyAliasStore(), new UntouchableLicenseStore())).Code);
    }

    [Fact]
    public async Task Without_short_keys_configured_a_short_key_product_refuses_to_issue_and_nothing_is_stored()
    {
        await Assert.ThrowsAsync<ConflictException>(() => IssueAsync(shortKeys: false));
        Assert.Empty(_aliases.Hashes);
        Assert.Equal(0, _licenses.Count);
    }

    [Fact]
    public async Task After_a_rotation_new_keys_use_the_new_version_and_keys_of_the_old_one_still_validate_while_it_is_kept()
    {
        var old = await IssueAsync();
        _secrets.ByVersion[2] = RandomNumberGenerator.GetBytes(32);
        _secrets.CurrentVersion = 2;
        var fresh = await IssueAsync();
        Assert.Equal(2, fresh.ShortKeyVersion);
        Assert.Equal(old.Id, (await ValidateAsync(old.CustomerKey)).License?.Id);
        Assert.Equal(fresh.Id, (await ValidateAsync(fresh.CustomerKey.ToLowerInvariant())).License?.Id);
        _secrets.ByVersion.Remove(1); // retired: its keys no longer verify, and cost no storage read
        Assert.Equal(ValidationCode.NotFound, (await ValidateAsync(old.CustomerKey, new UntouchableKeyAliasStore(), new UntouchableLicenseStore())).Code);
    }
}
