using Licensing.Domain.Activity;
using Licensing.Domain.Audit;
using Licensing.Domain.Common;
using Licensing.Domain.KeyAliases;
using Licensing.Domain.Products;

namespace Licensing.Domain.Licenses;

/// <summary>
/// What the account API changes on a license beyond the state verbs: PATCH (terms, transfer, metadata) and deletion.
/// PATCH goes through <see cref="LicenseService.ApplyAsync(string, string, Actor, Func{License, DateTimeOffset, License?}, CancellationToken)"/>,
/// the ETag read-modify-write loop, deciding from the license as read on each attempt, so concurrent PATCHes of different
/// fields (or metadata keys) all land. docs/managing-licenses.md.
/// </summary>
public sealed class LicenseManagement(LicenseService service, ILicenseStore licenses, IProductStore products, PersonalDataEraser eraser, TimeProvider clock,
    IChangeNotifier? changes = null, LicenseReadCache? cache = null, KeyAliasService? aliases = null, IActivityStore? activity = null)
{
    /// <summary>Retries for a PATCH: many PATCHes of one license at once must all land.</summary>
    public const int PatchAttempts = 40;

    public async Task<License> PatchAsync(string accountId, string licenseId, Actor actor, LicensePatch patch, CancellationToken ct)
    {
        var errors = new FieldErrors();
        string? email = null;
        if (patch.CustomerEmail.Given && (email = EmailAddress.Normalize(patch.CustomerEmail.Value)) is null)
            errors.Add("customerEmail", "must be a valid e-mail address");
        if (patch.Plan.Given && !Naming.IsSlug(patch.Plan.Value)) errors.Add("plan", "must be 1-64 characters of a-z, 0-9 and '-'");
        var features = patch.Features is { Given: true, Value: { } given } ? Naming.CheckFeatures(given, "features", errors) : null;
        if (patch.MaxActivations is { Given: true, Value: { } max } && (max < 0 || max > ProductRules.MaxActivationsLimit))
            errors.Add("maxActivations", $"must be 0-{ProductRules.MaxActivationsLimit}, or null for unlimited");
        if (patch.ExpiresAt is { Given: true, Value: { } exp } && exp <= clock.GetUtcNow())
            errors.Add("expiresAt", "must be in the future, or null for no expiry");
        var metadata = LicenseService.CheckMetadata(patch.Metadata, removals: true, errors);
        errors.ThrowIfAny();

        var current = await service.GetAsync(accountId, licenseId, ct).ConfigureAwait(false);
        var product = await products.GetAsync(accountId, current.ProductId, ct).ConfigureAwait(false);
        Plan? plan = null;
        if (patch.Plan.Given)
            plan = product?.FindPlan(patch.Plan.Value!)
                ?? throw ValidationFailedException.For("plan", $"product '{current.ProductId}' has no plan '{patch.Plan.Value}'");
        if (patch.Features is { Given: true, Value: null } && plan is null)
            plan = product?.FindPlan(current.Plan) ?? throw ValidationFailedException.For("features", "the license's plan no longer exists: give the features");

        return await service.ApplyAsync(accountId, licenseId, actor, (l, _) =>
        {
            var next = l;
            if (email is not null) next = next with { CustomerEmail = email };
            if (patch.Plan.Given) next = next with { Plan = plan!.Id, Model = plan.Model, Features = plan.Features, MaxActivations = plan.MaxActivations };
            if (patch.Features.Given) next = next with { Features = features ?? plan!.Features };
            if (patch.MaxActivations.Given) next = next with { MaxActivations = patch.MaxActivations.Value };
            if (patch.ExpiresAt.Given) next = next with { ExpiresAt = patch.ExpiresAt.Value };
            if (metadata.Count > 0) next = next with { Metadata = Merge(l.Metadata, metadata) };
            if (next.MaxActivations is { } limit && l.Activations.Count > limit)
                throw new ConflictException($"{l.Activations.Count} activations are in use, more than maxActivations {limit}; remove activations first");
            return next == l ? null : next;
        }, PatchAttempts, ct).ConfigureAwait(false);
    }

    private static Dictionary<string, string> Merge(IReadOnlyDictionary<string, string> current, IReadOnlyDictionary<string, string?> patch)
    {
        var merged = new Dictionary<string, string>(current, StringComparer.Ordinal);
        foreach (var (k, v) in patch)
            if (v is null) merged.Remove(k);
            else merged[k] = v;
        if (merged.Count > LicenseService.MaxMetadataKeys)
            throw ValidationFailedException.For("metadata", $"the license would have {merged.Count} metadata keys; at most {LicenseService.MaxMetadataKeys}");
        return merged;
    }

    /// <summary>
    /// Deletes the license with its activations (journaling <c>license.deleted</c> in the same write): its key then
    /// validates as NOT_FOUND, and the rows of its alias keys are removed (freeing those keys). Its e-mail and metadata are
    /// gone with it, and redacted from its audit history and pending change records; its validation activity (sites seen,
    /// hashed client addresses, the per-day counts) is deleted. Quota counters and metrics are not touched.
    /// </summary>
    public async Task DeleteAsync(string accountId, string licenseId, Actor actor, CancellationToken ct)
    {
        var deleted = await Concurrency.RetryAsync(async token =>
        {
            var current = await service.GetAsync(accountId, licenseId, token).ConfigureAwait(false);
            var record = LicenseChanges.Deletion(current, actor, clock.GetUtcNow());
            await licenses.DeleteAsync(current, record, token).ConfigureAwait(false);
            cache?.Remove(accountId, licenseId);
            if (changes is not null) await changes.NotifyAsync([record], token).ConfigureAwait(false);
            return current;
        }, ct).ConfigureAwait(false);
        if (aliases is not null) await aliases.DetachAllAsync(deleted, ct).ConfigureAwait(false);
        if (activity is not null) await activity.DeleteAsync(accountId, licenseId, ct).ConfigureAwait(false);
        await eraser.RedactHistoryAsync(accountId, [deleted.Id], deleted.CustomerEmail, ct).ConfigureAwait(false);
    }
}
