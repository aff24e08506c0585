using Licensing.Domain.Licenses;
using Licensing.Domain.Validation;

namespace Licensing.Domain.Activations;

/// <summary>The answer of <c>POST /v1/deactivate</c> (docs/activations.md).</summary>
public sealed record DeactivateResult(bool Deactivated, string? Code, string Detail, License? License);

/// <summary><c>POST /v1/deactivate</c>: frees the slot of exactly this binding, within the plan's deactivation allowance.</summary>
public sealed class DeactivateLicense(KeyedLicenseReader reader, ActivationService activations)
{
    public async Task<DeactivateResult> DeactivateAsync(string key, ActivationTarget target, string? address, CancellationToken ct) =>
        await reader.ReadAsync(key, address, ct).ConfigureAwait(false) is { } license
            ? await DeactivateAsync(license, target, ct).ConfigureAwait(false)
            : new DeactivateResult(false, ValidationCode.NotFound.ToWire(), ValidationRules.NotFound.Detail, null);

    /// <summary>As above, for a license its caller has already read through <see cref="KeyedLicenseReader"/> (EDD's compat API checks it first).</summary>
    public async Task<DeactivateResult> DeactivateAsync(License license, ActivationTarget target, CancellationToken ct)
    {
        var (_, policy, _) = await reader.PoliciesAsync(license, ct).ConfigureAwait(false);
        var outcome = await activations.DeactivateAsync(license, target, policy, Audit.Actor.Customer(), ct).ConfigureAwait(false);
        reader.Update(outcome.License);
        return new DeactivateResult(outcome.Deactivated, outcome.Code, outcome.Detail, outcome.License);
    }
}
