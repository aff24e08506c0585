using Licensing.Domain.Audit;
using Licensing.Domain.Common;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;
using Licensing.Domain.Validation;

namespace Licensing.Domain.Activations;

public sealed record ActivationOutcome(bool Activated, ValidationCode? Code, string Detail, License License, Activation? Activation, bool Development)
{
    /// <summary>"ACTIVATION_LIMIT_REACHED" is not a validation code; it is the activate endpoint's own.</summary>
    public bool LimitReached { get; init; }
}

public sealed record DeactivationOutcome(bool Deactivated, string? Code, string Detail, License License);

/// <summary>
/// Takes and frees activation slots. Every change is a read-modify-write of the license entity with an ETag
/// condition, in one entity-group transaction with the activation rows it adds or removes, retried from a fresh read
/// when another writer got there first: the number of activations can never exceed the limit, whatever the
/// concurrency (tests/Licensing.Tests/Api/ActivationConcurrencyTests.cs).
/// </summary>
public sealed class ActivationService(ILicenseStore licenses, TimeProvider clock, IChangeNotifier? changes = null, LicenseReadCache? cache = null)
{
    public Task<ActivationOutcome> ActivateAsync(License license, ActivationTarget target, string? name, DevelopmentHostPolicy development, Actor actor,
        CancellationToken ct)
    {
        var attempt = 0;
        return Concurrency.RetryAsync(async token =>
        {
            var current = await CurrentAsync(license, attempt++, token).ConfigureAwait(false);
            var now = clock.GetUtcNow();
            if (ActivationRules.Covering(current, target) is { } covered)
            {
                var existing = await licenses.GetActivationAsync(current, covered.Activation.Id, token).ConfigureAwait(false)
                    ?? new Activation(covered.Activation.Id, covered.Binding.Domain, covered.Binding.Fingerprint, null, current.UpdatedAt);
                return new ActivationOutcome(true, ValidationCode.Valid, $"{target.Describe} is already activated", current, existing, false);
            }
            if (ActivationRules.IsFree(target, development))
                return await DevelopmentHostAsync(current, target, name, development, actor, now, token).ConfigureAwait(false);
            if (!current.HasFreeSlot)
                return new ActivationOutcome(false, null,
                    $"all {current.MaxActivations ?? ActivationRules.HardCap} activation slots are in use; deactivate one first", current, null, false)
                { LimitReached = true };
            var activation = new Activation(ActivationRules.IdFor(target), target.Domain, target.Fingerprint, name, now);
            var saved = await WriteAsync(current, current with { Activations = [.. current.Activations, activation.Ref], UpdatedAt = now },
                new ActivationChanges([activation], []), actor, now, token).ConfigureAwait(false);
            return new ActivationOutcome(true, ValidationCode.Valid, $"{target.Describe} activated", saved, activation, false);
        }, ct);
    }

    /// <summary>
    /// A development host takes no slot. On a bound license (one with a slot limit) its first use is recorded, and
    /// at most the plan's number of distinct development hosts is recorded in any 30 days; past that it is refused
    /// like a full license. Unlimited licenses are not bound to domains, so nothing is recorded for them.
    /// </summary>
    private async Task<ActivationOutcome> DevelopmentHostAsync(License current, ActivationTarget target, string? name, DevelopmentHostPolicy development,
        Actor actor, DateTimeOffset now, CancellationToken ct)
    {
        var host = target.Domain!;
        var id = ActivationRules.IdFor(target);
        if (current.MaxActivations is null)
            return new ActivationOutcome(true, ValidationCode.Valid, "development host: activated without using a slot", current,
                new Activation(id, host, null, name, now), Development: true);
        if (ActivationRules.SeenDevelopmentHost(current, host, now) is { } seen)
            return new ActivationOutcome(true, ValidationCode.Valid, "development host: already in use, without a slot", current,
                new Activation(id, host, null, name, seen.Since), Development: true);
        if (ActivationRules.DevelopmentHostRefusal(current, host, development, now) is { } refusal)
            return new ActivationOutcome(false, null, refusal, current, null, Development: true) { LimitReached = true };
        var saved = await WriteAsync(current, current with
        {
            DevelopmentHosts = [.. ActivationRules.RecentDevelopmentHosts(current, now), new DevelopmentHostUse(host, now)],
            UpdatedAt = now,
        }, ActivationChanges.None, actor, now, ct).ConfigureAwait(false);
        return new ActivationOutcome(true, ValidationCode.Valid, "development host: activated without using a slot", saved,
            new Activation(id, host, null, name, now), Development: true);
    }

    public Task<DeactivationOutcome> DeactivateAsync(License license, ActivationTarget target, PlanPolicy policy, Actor actor, CancellationToken ct)
    {
        var attempt = 0;
        return Concurrency.RetryAsync(async token =>
        {
            var current = await CurrentAsync(license, attempt++, token).ConfigureAwait(false);
            var now = clock.GetUtcNow();
            if (ActivationRules.Exact(current, target) is not { } existing)
                return new DeactivationOutcome(false, "NOT_ACTIVATED", $"{target.Describe} is not activated on this license", current);
            var recent = current.Deactivations.Where(d => d > now - ActivationRules.DeactivationWindow).ToList();
            if (policy.MaxDeactivationsPer30Days is { } cap && recent.Count >= cap)
                return new DeactivationOutcome(false, "DEACTIVATION_LIMIT_REACHED",
                    $"{cap} deactivations are allowed per 30 days;"
                    + $" the next is possible after {(recent.Min() + ActivationRules.DeactivationWindow).UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}", current);
            recent.Add(now);
            var saved = await WriteAsync(current, current with
            {
                Activations = current.Activations.Where(a => a.Id != existing.Id).ToArray(),
                Deactivations = recent,
                UpdatedAt = now,
            }, new ActivationChanges([], [existing.Id]), actor, now, token).ConfigureAwait(false);
            return new DeactivationOutcome(true, null, $"{target.Describe} deactivated", saved);
        }, ct);
    }

    /// <summary>
    /// The vendor frees a slot (account API): the activation is removed whatever the plan's self-service deactivation
    /// cap, and the removal does not count toward it. <see cref="NotFoundException"/> when the license has no such activation.
    /// </summary>
    public Task<License> RemoveAsync(string accountId, string licenseId, string activationId, Actor actor, CancellationToken ct) =>
        Concurrency.RetryAsync(async token =>
        {
            var current = await licenses.GetAsync(accountId, licenseId, token).ConfigureAwait(false)
                ?? throw new NotFoundException($"license '{licenseId}' not found");
            if (!current.Activations.Any(a => a.Id == activationId))
                throw new NotFoundException($"license '{licenseId}' has no activation '{activationId}'");
            var now = clock.GetUtcNow();
            var next = current with { Activations = current.Activations.Where(a => a.Id != activationId).ToArray(), UpdatedAt = now };
            var saved = await WriteAsync(current, next, new ActivationChanges([], [activationId]), actor, now, token).ConfigureAwait(false);
            cache?.Update(saved);
            return saved;
        }, ct);

    private Task<License> WriteAsync(License current, License next, ActivationChanges activations, Actor actor, DateTimeOffset now, CancellationToken ct) =>
        JournaledWrite.ReplaceAsync(licenses, changes, current, next, activations, actor, now, ct);

    /// <summary>The first attempt decides on the copy the caller read; a retry after a lost race reads afresh.</summary>
    private async Task<License> CurrentAsync(License read, int attempt, CancellationToken ct) =>
        attempt == 0 ? read : await licenses.GetAsync(read.AccountId, read.Id, ct).ConfigureAwait(false) ?? throw new NotFoundException("license not found");
}
