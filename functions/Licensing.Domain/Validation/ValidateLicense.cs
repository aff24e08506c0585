using Licensing.Domain.Activations;
using Licensing.Domain.Activity;
using Licensing.Domain.Common;
using Licensing.Domain.Licenses;
using Licensing.Domain.Quotas;
using Licensing.Domain.Signing;
using Licensing.Domain.Usage;

namespace Licensing.Domain.Validation;

/// <summary>
/// <c>POST /v1/validate</c>: one point read of the license (<see cref="KeyedLicenseReader"/>), the pure
/// <see cref="ValidationRules"/>, then only what a VALID verdict needs: auto-activations, the quota's degraded mode,
/// a certificate. Activity is recorded in memory and written out later by the activity flusher.
/// </summary>
public sealed class ValidateLicense(KeyedLicenseReader reader, ActivationService activations, CertificateIssuer certificates,
    ActivityRecorder activity, UsageCache usage, QuotaGate quotas, TimeProvider clock)
{
    /// <summary>The verdict; a repeat answered from memory completes at once, with no task allocated (hence a <see cref="ValueTask{T}"/>).</summary>
    public ValueTask<Verdict> ValidateAsync(ValidationRequest request, string? clientAddress, CancellationToken ct) =>
        ValidateAsync(request, clientAddress, null, ct);

    /// <param name="releaseOf">
    /// Update checks: asked once the license is read (so its product is known) for the date of the release the caller
    /// would take; that date is judged by the same rules as <see cref="ValidationRequest.ReleaseDate"/>.
    /// </param>
    public async ValueTask<Verdict> ValidateAsync(ValidationRequest request, string? clientAddress,
        Func<License, CancellationToken, Task<DateTimeOffset?>>? releaseOf, CancellationToken ct)
    {
        var (license, hot) = await reader.ReadHotAsync(request.Key, clientAddress, ct).ConfigureAwait(false);
        if (license is null) return ValidationRules.NotFound;
        var (product, policy, development) = await reader.PoliciesAsync(license, ct, hot).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        DateTimeOffset? releaseDate = request.ReleaseDate;
        if (request.Version is { } version)
            releaseDate = product?.Releases.TryGetValue(version, out var released) == true ? released
                : throw ValidationFailedException.For("version", $"version '{version}' is not among the product's releases; send releaseDate instead");
        if (releaseOf is not null) releaseDate = await releaseOf(license, ct).ConfigureAwait(false) ?? releaseDate;
        UsageState? metered = null;
        if (policy.UsageLimit is { } limit)
        {
            var used = await usage.TotalAsync(license.AccountId, license.Id, UsagePeriods.Key(policy.UsagePeriod, now), ct).ConfigureAwait(false);
            metered = new UsageState(used, limit);
        }
        var evaluation = ValidationRules.Evaluate(license, request, now, policy, development, metered, releaseDate);
        var verdict = await TakeSlotsAsync(evaluation, development, ct).ConfigureAwait(false);
        license = verdict.License ?? license;
        if (verdict.Valid && await quotas.IsOverValidationQuotaAsync(license.AccountId, ct).ConfigureAwait(false))
        {
            // Degraded mode: the verdict stands; clients are asked back less often (docs/quotas.md).
            var stretched = ValidationRules.RevalidateAfter(license, now, QuotaGate.DegradedRevalidateAfter);
            if (stretched > verdict.RevalidateAfter) verdict = verdict with { RevalidateAfter = stretched };
        }
        if (verdict.Valid)
        {
            var certificate = await certificates.ReuseOrIssueAsync(license, request.Domain, request.Fingerprint, verdict.RevalidateAfter!.Value, policy,
                ActivationRules.ServedAsDevelopmentHost(license, request.Domain, development), ct, hot).ConfigureAwait(false);
            verdict = verdict with { RevalidateAfter = certificate.RevalidateAfter, Issued = certificate };
        }
        activity.Record(license, policy, development, request.Domain, clientAddress, verdict.Valid, hot);
        return verdict;
    }

    /// <summary>Takes the slots a VALID evaluation queued; the verdict carries the license as last written.</summary>
    private ValueTask<Verdict> TakeSlotsAsync(Evaluation evaluation, Products.DevelopmentHostPolicy development, CancellationToken ct) =>
        evaluation.ToActivate.Count == 0 ? new(evaluation.Verdict) : ActivateAsync(evaluation, development, ct);

    private async ValueTask<Verdict> ActivateAsync(Evaluation evaluation, Products.DevelopmentHostPolicy development, CancellationToken ct)
    {
        var verdict = evaluation.Verdict;
        var license = verdict.License!;
        foreach (var target in evaluation.ToActivate)
        {
            var outcome = await activations.ActivateAsync(license, target, null, development, Audit.Actor.Customer(), ct).ConfigureAwait(false);
            license = outcome.License;
            reader.Update(license);
            if (!outcome.Activated)
                // Another request took the last slot (or development-host allowance) between our read and our write.
                return ValidationRules.Fail(target.Domain is null ? ValidationCode.FingerprintMismatch : ValidationCode.DomainMismatch,
                    outcome.Development ? outcome.Detail : $"{target.Describe} is not activated and all {license.MaxActivations} activation slots are in use",
                    license);
            verdict = verdict with { License = license };
        }
        return verdict;
    }
}
