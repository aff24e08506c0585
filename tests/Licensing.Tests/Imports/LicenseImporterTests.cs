using Licensing.Domain.Audit;
using Licensing.Domain.Imports;
using Licensing.Domain.KeyAliases;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;
using Licensing.Tests.Support;

namespace Licensing.Tests.Imports;

/// <summary>The importer over in-memory stores: what each imported key costs in license writes and change records.</summary>
public sealed class LicenseImporterTests
{
    private const string Account = "acct_00000000000000ab";
    private static readonly DateTimeOffset Start = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TestClock _clock = new(Start);
    private readonly RecordingStore _licenses = new(new InMemoryLicenseStore());
    private readonly InMemoryKeyAliasStore _aliases = new();
    private readonly LicenseImporter _importer;

    /// <summary>Counts the license writes and keeps the change records they carry.</summary>
    private sealed class RecordingStore(ILicenseStore inner) : DelegatingLicenseStore(inner)
    {
        public List<(string LicenseId, string Write, ChangeRecord[] Journal)> Writes { get; } = [];

        public override Task AddAsync(License license, IReadOnlyList<Activation> activations, IReadOnlyList<ChangeRecord> journal, CancellationToken ct)
        {
            lock (Writes) Writes.Add((license.Id, "add", [.. journal]));
            return base.AddAsync(license, activations, journal, ct);
        }

        public override Task<License> ReplaceAsync(License license, ActivationChanges changes, IReadOnlyList<ChangeRecord> journal, CancellationToken ct)
        {
            lock (Writes) Writes.Add((license.Id, "replace", [.. journal]));
            return base.ReplaceAsync(license, changes, journal, ct);
        }
    }

    /// <summary>Answers "free" to the first read of each key (the importer's look before it claims), as a key taken just after.</summary>
    private sealed class LateToSee(IKeyAliasStore inner) : IKeyAliasStore
    {
        private readonly HashSet<string> _seen = [];

        public Task<KeyAliasOwner?> GetAsync(string hash, CancellationToken ct)
        {
            lock (_seen)
                if (_seen.Add(hash)) return Task.FromResult<KeyAliasOwner?>(null);
            return inner.GetAsync(hash, ct);
        }

        public Task<bool> AddAsync(string hash, KeyAliasOwner owner, CancellationToken ct) => inner.AddAsync(hash, owner, ct);
        public Task ReplaceAsync(string hash, KeyAliasOwner owner, string version, CancellationToken ct) => inner.ReplaceAsync(hash, owner, version, ct);
        public Task<bool> DeleteAsync(string hash, string version, CancellationToken ct) => inner.DeleteAsync(hash, version, ct);
    }

    private readonly InMemoryProductStore _products = new();

    private LicenseImporter Importer(IKeyAliasStore aliases)
    {
        var service = new LicenseService(_licenses, _products, Signers.NewLocal(), _clock);
        return new LicenseImporter(service, new KeyAliasService(aliases, _licenses, service), _products, _clock);
    }

    public LicenseImporterTests()
    {
        _importer = Importer(_aliases);
        new ProductService(_products, _clock).PutAsync(Account, "my-plugin", new ProductInput("My Plugin",
            [new PlanInput("pro", "Pro", "subscription", 365, 3, ["analytics"])]), default).GetAwaiter().GetResult();
    }

    private static ImportItemInput Item(string key, string? status = null, DateTimeOffset? expiresAt = null) =>
        new(key, "c@example.com", "pro", status, expiresAt, null, null, null);

    [Fact]
    public async Task Each_key_is_one_license_write_with_one_created_record_carrying_its_status_expiry_and_key()
    {
        ImportItemInput[] items =
        [
            Item("edd-active", expiresAt: Start.AddDays(30)),
            Item("edd-revoked", "revoked", Start.AddDays(-10)),
            Item("edd-expired", "expired"),
            Item("edd-lapsed", expiresAt: Start.AddDays(-1)),
        ];
        var result = await _importer.ImportAsync(Account, Actor.Admin, "my-plugin", items, default);
        Assert.Equal((4, 0), (result.Imported, result.Skipped));
        Assert.Empty(result.Errors);

        // One write per key: the license created with everything, its one record the creation (a founder's endpoints get
        // one license.created showing the license as imported, no license.updated after it).
        Assert.All(_licenses.Writes, w => Assert.Equal("add", w.Write));
        Assert.Equal(4, _licenses.Writes.Count);
        Assert.All(_licenses.Writes, w => Assert.Equal("license.created", Assert.Single(w.Journal).Action));

        async Task<License> Stored(string key) =>
            (await _licenses.GetAsync(Account, LicenseImporter.LicenseIdFor(Account, KeyAlias.Hash(key)), default))!;
        var active = await Stored("edd-active");
        Assert.Equal((LicenseStatus.Active, Start.AddDays(30)), (active.Status, active.ExpiresAt));
        var revoked = await Stored("edd-revoked");
        Assert.Equal((LicenseStatus.Revoked, Start.AddDays(-10)), (revoked.Status, revoked.ExpiresAt));
        Assert.Equal(LicenseStatus.Expired, (await Stored("edd-expired")).Status);
        var lapsed = await Stored("edd-lapsed");
        Assert.Equal((LicenseStatus.Active, Start.AddDays(-1)), (lapsed.Status, lapsed.ExpiresAt)); // validates as EXPIRED
        foreach (var item in items) Assert.Equal([KeyAlias.Hash(item.Key!)], (await Stored(item.Key!)).KeyAliases);

        // The same batch again: every key skipped, nothing written.
        var again = await _importer.ImportAsync(Account, Actor.Admin, "my-plugin", items, default);
        Assert.Equal((0, 4), (again.Imported, again.Skipped));
        Assert.Equal(4, _licenses.Writes.Count);
    }

    [Fact]
    public async Task A_license_an_earlier_import_left_without_its_key_gets_the_key_and_its_status_on_the_next_run()
    {
        // An import that stopped after creating the license (before this importer listed the key in the creating write,
        // or a crash between the writes of an older one): the license exists, active, listing no key.
        var id = LicenseImporter.LicenseIdFor(Account, KeyAlias.Hash("edd-half"));
        await _importer.ImportAsync(Account, Actor.Admin, "my-plugin", [Item("edd-other")], default);
        var template = (await _licenses.GetAsync(Account, LicenseImporter.LicenseIdFor(Account, KeyAlias.Hash("edd-other")), default))!;
        await _licenses.AddAsync(template with { Id = id, KeyAliases = [], Version = null }, [], [], default);

        var result = await _importer.ImportAsync(Account, Actor.Admin, "my-plugin", [Item("edd-half", "suspended")], default);
        Assert.Equal((0, 1), (result.Imported, result.Skipped)); // the license was there: skipped, not a second one
        var license = (await _licenses.GetAsync(Account, id, default))!;
        Assert.Equal([KeyAlias.Hash("edd-half")], license.KeyAliases);
        Assert.Equal(LicenseStatus.Suspended, license.Status);
    }

    [Fact]
    public async Task A_key_another_account_takes_after_the_look_is_refused_at_the_claim_and_makes_no_license()
    {
        const string other = "acct_00000000000000ac";
        await new ProductService(_products, _clock).PutAsync(other, "my-plugin", new ProductInput("My Plugin",
            [new PlanInput("pro", "Pro", "subscription", 365, 3, ["analytics"])]), default);
        Assert.Equal(1, (await _importer.ImportAsync(other, Actor.Admin, "my-plugin", [Item("edd-shared")], default)).Imported);
        var writes = _licenses.Writes.Count;

        var result = await Importer(new LateToSee(_aliases)).ImportAsync(Account, Actor.Admin, "my-plugin", [Item("edd-shared")], default);
        Assert.Equal("KEY_UNAVAILABLE", Assert.Single(result.Errors).Code);
        Assert.Equal((0, 0), (result.Imported, result.Skipped));
        Assert.Null(await _licenses.GetAsync(Account, LicenseImporter.LicenseIdFor(Account, KeyAlias.Hash("edd-shared")), default));
        Assert.Equal(writes, _licenses.Writes.Count);
    }
}
