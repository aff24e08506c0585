using Licensing.Domain.Activations;
using Licensing.Domain.Audit;
using Licensing.Domain.Common;
using Licensing.Domain.Domains;
using Licensing.Domain.Products;
using Licensing.Domain.Signing;

namespace Licensing.Domain.Licenses;

public sealed class LicenseService(ILicenseStore licenses, IProductStore products, IRootSigner signer, TimeProvider clock, Quotas.IQuotaStore? quotas = null,
    LicenseReadCache? cache = null, IChangeNotifier? changes = null, ShortKeys.ShortKeyIssuer? shortKeys = null)
{
    public const int MaxDomains = 100;
    public const int MaxMetadataKeys = 50;
    public const int MaxMetadataKeyLength = 40;
    public const int MaxMetadataValueLength = 500;

    /// <summary>
    /// Stored metadata takes at most this many chunks (<see cref="StorageLimits"/>): at its documented maximum with the
    /// worst characters (every UTF-16 unit escaped as six), 50 × (40 + 500) × 6 + 302 = 162,302 characters fit in 6.
    /// </summary>
    public const int MaxMetadataStoredChunks = 6;

    private readonly Quotas.LicenseQuota? _quota = quotas is null ? null : new(quotas, licenses, clock);

    public Task<License> IssueAsync(string accountId, Actor actor, IssueLicenseInput input, CancellationToken ct) =>
        IssueAsync(accountId, actor, input, null, ct);

    /// <summary>
    /// Issues a license. With <paramref name="licenseId"/> (derived from a business key such as a Stripe checkout
    /// session) a second issuance of the same id returns the existing license instead of a second one.
    /// </summary>
    public Task<License> IssueAsync(string accountId, Actor actor, IssueLicenseInput input, string? licenseId, CancellationToken ct) =>
        IssueAsync(accountId, actor, input, licenseId, null, ct);

    /// <summary>
    /// Issues a license whose first state is shaped by <paramref name="initial"/> (an import's status and past expiry, the
    /// alias key it is listed with) in the same write that creates it: one change record, one event. It runs once the input
    /// is valid and no license exists under <paramref name="licenseId"/> (one that exists is returned as it is, unshaped).
    /// </summary>
    public async Task<License> IssueAsync(string accountId, Actor actor, IssueLicenseInput input, string? licenseId,
        Func<License, CancellationToken, Task<License>>? initial, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var errors = new FieldErrors();
        if (!Naming.IsSlug(input.ProductId)) errors.Add("productId", "is required: 1-64 characters of a-z, 0-9 and '-'");
        if (!Naming.IsSlug(input.Plan)) errors.Add("plan", "is required: 1-64 characters of a-z, 0-9 and '-'");
        var email = EmailAddress.Normalize(input.CustomerEmail);
        if (email is null && !(input.EmailLater && string.IsNullOrEmpty(input.CustomerEmail))) errors.Add("customerEmail", "must be a valid e-mail address");
        var features = input.Features is null ? null : Naming.CheckFeatures(input.Features, "features", errors);
        var domains = NormalizeDomains(input.Domains, errors);
        if (input.ExpiresAt is { } exp && exp <= now) errors.Add("expiresAt", "must be in the future");
        if (input.MaxActivations is { } max && (max < 0 || max > ProductRules.MaxActivationsLimit))
            errors.Add("maxActivations", $"must be 0-{ProductRules.MaxActivationsLimit}, or omitted for the plan's limit");
        var metadata = CheckMetadata(input.Metadata, errors);
        errors.ThrowIfAny();

        var product = await products.GetAsync(accountId, input.ProductId!, ct).ConfigureAwait(false);
        if (product is null) throw ValidationFailedException.For("productId", $"unknown product '{input.ProductId}'");
        var plan = product.FindPlan(input.Plan!) ?? throw ValidationFailedException.For("plan", $"product '{product.Id}' has no plan '{input.Plan}'");

        var maxActivations = input.MaxActivations ?? plan.MaxActivations;
        if (maxActivations is { } limit && domains.Count > limit)
            throw ValidationFailedException.For("domains", $"{domains.Count} domains exceed the {limit} activations allowed");

        if (licenseId is not null && await licenses.GetAsync(accountId, licenseId, ct).ConfigureAwait(false) is { } existing) return existing;
        var id = licenseId ?? Ids.NewLicenseId();
        var activations = domains.Select(d => new Activation(ActivationRules.IdFor(d), d, null, null, now)).ToArray();
        var key = await LicenseKey.IssueAsync(signer, new LicenseKeyId(accountId, id), ct).ConfigureAwait(false);
        var issued = new License
        {
            AccountId = accountId,
            Id = id,
            ProductId = product.Id,
            Plan = plan.Id,
            Model = plan.Model,
            Status = LicenseStatus.Active,
            CustomerEmail = email ?? "",
            Features = features ?? plan.Features,
            Activations = activations.Select(a => a.Ref).ToArray(),
            MaxActivations = maxActivations,
            ExpiresAt = input.ExpiresAt ?? plan.DefaultExpiry(now),
            UpdatesUntil = plan.Model == LicenseModel.Perpetual && plan.Policy.UpdatesDays is { } days ? now.AddDays(days) : null,
            CreatedAt = now,
            UpdatedAt = now,
            Metadata = metadata,
            Trial = input.Trial,
            Key = key,
            Test = input.Test,
        };
        var keyed = product.KeyFormat == KeyFormat.Short ? await ShortKeyed(issued, ct).ConfigureAwait(false) : issued;
        var license = initial is null ? keyed : await initial(keyed, ct).ConfigureAwait(false);
        var created = LicenseChanges.Issued(license, actor, now);
        // Counted once per license id, however often this id is issued (docs/quotas.md); a test-mode license never.
        var counted = _quota is not null && !input.Test && await _quota.ReserveAsync(accountId, id, ct).ConfigureAwait(false);
        try
        {
            await licenses.AddAsync(license, activations, [created], ct).ConfigureAwait(false);
        }
        catch (ConflictException) when (licenseId is not null)
        {
            // A concurrent issuance of the same business key won; answer with its license (counted once, under its id).
            return await GetAsync(accountId, licenseId, ct).ConfigureAwait(false);
        }
        cache?.Created(accountId, id);
        if (changes is not null) await changes.NotifyAsync([created], ct).ConfigureAwait(false);
        if (counted) await _quota!.SettleAsync(accountId, id, ct).ConfigureAwait(false);
        return license;
    }

    /// <summary>A license of a short-key product gets its short key (docs/license-keys.md, "Short keys") before it is stored.</summary>
    private Task<License> ShortKeyed(License license, CancellationToken ct) => shortKeys?.AssignAsync(license, ct)
        ?? throw new ConflictException($"product '{license.ProductId}' issues short keys, which this service is not configured to make");

    public async Task<License> GetAsync(string accountId, string licenseId, CancellationToken ct)
    {
        if (!Ids.IsLicenseId(licenseId)) throw new NotFoundException($"license '{licenseId}' not found");
        return await licenses.GetAsync(accountId, licenseId, ct).ConfigureAwait(false)
            ?? throw new NotFoundException($"license '{licenseId}' not found");
    }

    /// <summary>The details of a license's activations (binding, name, time), for the account API.</summary>
    public Task<IReadOnlyList<Activation>> ActivationsAsync(License license, CancellationToken ct) => licenses.ListActivationsAsync(license, ct);

    public Task<LicensePage> ListAsync(string accountId, LicenseQuery query, CancellationToken ct) =>
        licenses.ListAsync(accountId, query, clock.GetUtcNow(), ct);

    public Task<License> SuspendAsync(string accountId, string licenseId, Actor actor, CancellationToken ct) =>
        SuspendAsync(accountId, licenseId, actor, null, ct);

    /// <summary>Suspends, recording why when the system does it (e.g. "sharing").</summary>
    public Task<License> SuspendAsync(string accountId, string licenseId, Actor actor, string? reason, CancellationToken ct) =>
        ChangeAsync(accountId, licenseId, actor, (l, now) => l.Status switch
        {
            LicenseStatus.Revoked => throw new ConflictException("a revoked license cannot be suspended"),
            LicenseStatus.Suspended => l,
            _ => l with { Status = LicenseStatus.Suspended, StatusReason = reason },
        }, ct);

    public Task<License> ReinstateAsync(string accountId, string licenseId, Actor actor, CancellationToken ct) =>
        ChangeAsync(accountId, licenseId, actor, (l, now) => l.Status switch
        {
            LicenseStatus.Suspended => l with { Status = LicenseStatus.Active, StatusReason = null },
            LicenseStatus.Active => l,
            var s => throw new ConflictException($"only a suspended license can be reinstated; this one is {s.ToWire()}"),
        }, ct);

    public Task<License> RevokeAsync(string accountId, string licenseId, Actor actor, CancellationToken ct) =>
        ChangeAsync(accountId, licenseId, actor, (l, now) => l.Status == LicenseStatus.Revoked ? l : l with { Status = LicenseStatus.Revoked }, ct);

    public Task<License> RenewAsync(string accountId, string licenseId, Actor actor, DateTimeOffset? expiresAt, CancellationToken ct) =>
        RenewAsync(accountId, licenseId, actor, expiresAt, null, ct);

    /// <summary>Sets a new expiry, or (perpetual with updates) a new end of the update entitlement, or both.</summary>
    public Task<License> RenewAsync(string accountId, string licenseId, Actor actor, DateTimeOffset? expiresAt, DateTimeOffset? updatesUntil,
        CancellationToken ct)
    {
        if (expiresAt is null && updatesUntil is null)
            throw ValidationFailedException.For("expiresAt", "is required (or updatesUntil for a perpetual license)");
        if (expiresAt <= clock.GetUtcNow()) throw ValidationFailedException.For("expiresAt", "must be in the future");
        if (updatesUntil <= clock.GetUtcNow()) throw ValidationFailedException.For("updatesUntil", "must be in the future");
        return ChangeAsync(accountId, licenseId, actor, (l, now) => l.Status switch
        {
            LicenseStatus.Revoked => throw new ConflictException("a revoked license cannot be renewed"),
            LicenseStatus.Expired =>
                l with { Status = LicenseStatus.Active, ExpiresAt = expiresAt ?? l.ExpiresAt, UpdatesUntil = updatesUntil ?? l.UpdatesUntil },
            _ => l with { ExpiresAt = expiresAt ?? l.ExpiresAt, UpdatesUntil = updatesUntil ?? l.UpdatesUntil },
        }, ct);
    }

    /// <summary>
    /// Applies a change computed from the current license (null: no change), conditionally, retrying lost races
    /// (<paramref name="maxAttempts"/> times: more for a license many requests change at once).
    /// </summary>
    public Task<License> ApplyAsync(string accountId, string licenseId, Actor actor, Func<License, DateTimeOffset, License?> change, CancellationToken ct) =>
        ApplyAsync(accountId, licenseId, actor, change, Concurrency.MaxAttempts, ct);

    /// <inheritdoc cref="ApplyAsync(string, string, Actor, Func{License, DateTimeOffset, License?}, CancellationToken)"/>
    public Task<License> ApplyAsync(string accountId, string licenseId, Actor actor, Func<License, DateTimeOffset, License?> change, int maxAttempts,
        CancellationToken ct) =>
        ChangeAsync(accountId, licenseId, actor, (l, now) => change(l, now) ?? l, maxAttempts, ct);

    /// <summary>
    /// Read, apply a state change, write it back with its change records (journaled in the same atomic write) only if
    /// nobody else wrote in between (ETag); retry on a lost race.
    /// </summary>
    private Task<License> ChangeAsync(string accountId, string licenseId, Actor actor, Func<License, DateTimeOffset, License> change, CancellationToken ct) =>
        ChangeAsync(accountId, licenseId, actor, change, Concurrency.MaxAttempts, ct);

    private Task<License> ChangeAsync(string accountId, string licenseId, Actor actor, Func<License, DateTimeOffset, License> change, int maxAttempts,
        CancellationToken ct) =>
        Concurrency.RetryAsync(async token =>
        {
            var current = await GetAsync(accountId, licenseId, token).ConfigureAwait(false);
            var now = clock.GetUtcNow();
            var next = change(current, now);
            if (ReferenceEquals(next, current)) return current;
            var saved = await JournaledWrite.ReplaceAsync(licenses, changes, current, next with { UpdatedAt = now }, ActivationChanges.None, actor, now, token)
                .ConfigureAwait(false);
            cache?.Update(saved);
            return saved;
        }, maxAttempts, ct);

    private static List<string> NormalizeDomains(IReadOnlyList<string?>? domains, FieldErrors errors)
    {
        var result = new List<string>();
        if (domains is null) return result;
        if (domains.Count > MaxDomains) { errors.Add("domains", $"at most {MaxDomains} domains"); return result; }
        for (var i = 0; i < domains.Count; i++)
        {
            var normalized = HostBindings.NormalizeBinding(domains[i], out var error);
            if (normalized is null) errors.Add($"domains[{i}]", error);
            else if (!result.Contains(normalized)) result.Add(normalized);
        }
        return result;
    }

    private static Dictionary<string, string> CheckMetadata(IReadOnlyDictionary<string, string?>? metadata, FieldErrors errors) =>
        CheckMetadata(metadata, removals: false, errors).ToDictionary(e => e.Key, e => e.Value!, StringComparer.Ordinal);

    /// <summary>
    /// Metadata keys and values within their limits; with <paramref name="removals"/> (a PATCH) a null value is kept, meaning
    /// "remove this key", and the count limit is checked on the merged result instead.
    /// </summary>
    public static Dictionary<string, string?> CheckMetadata(IReadOnlyDictionary<string, string?>? metadata, bool removals, FieldErrors errors)
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (metadata is null) return result;
        if (metadata.Count > MaxMetadataKeys) errors.Add("metadata", $"at most {MaxMetadataKeys} keys");
        foreach (var (k, v) in metadata)
        {
            if (k.Length is 0 or > MaxMetadataKeyLength) errors.Add("metadata", $"keys are 1-{MaxMetadataKeyLength} characters");
            else if ((v is null && !removals) || v?.Length > MaxMetadataValueLength)
                errors.Add($"metadata.{k}", $"must be a string of at most {MaxMetadataValueLength} characters" + (removals ? ", or null to remove it" : ""));
            else result[k] = v;
        }
        return result;
    }
}
