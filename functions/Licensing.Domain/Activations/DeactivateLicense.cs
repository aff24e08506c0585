using Licensing.Domain.Licenses;
using Licensing.Domain.Validation;

namespace Licensing.Domain.Activations;

/// <summary>The answer of <c>POST /v1/deactivate</c> (API.md "Activations").</summary>
public sealed record DeactivateResult(bool Deactivated, string? Code, string Detail, License? License);

/// <summary><c>POST /v1/deactivate</c>: frees the slot of exactly this binding, within the plan's deactivation allowance.</summary>
public sealed class DeactivateLicense(KeyedLicenseReader reader, ActivationService activations)
{
    public async Task<DeactivateResult> DeactivateAsync(string key, ActivationTarget target, CancellationToken ct)
    {
        var license = await reader.ReadAsync(key, ct).ConfigureAwait(false);
        if (license is null) return new DeactivateResult(false, ValidationCode.NotFound.ToWire(), ValidationRules.NotFound.Detail, null);
        var (_, policy, _) = await reader.PoliciesAsync(license, ct).ConfigureAwait(false);
        var outcome = await activations.DeactivateAsync(license, target, policy, Audit.Actor.Customer(), ct).ConfigureAwait(false);
        reader.Update(outcome.License);
        return new DeactivateResult(outcome.Deactivated, outcome.Code, outcome.Detail, outcome.License);
    }
}
