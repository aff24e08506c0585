using Licensing.Domain.Domains;
using Licensing.Domain.Licenses;
using Licensing.Domain.Signing;
using Licensing.Domain.Validation;

namespace Licensing.Domain.Activations;

/// <summary>The answer of <c>POST /v1/activate</c> (docs/activations.md).</summary>
public sealed record ActivateResult(
    bool Activated, string Code, string Detail, Activation? Activation, License? License, DateTimeOffset? RevalidateAfter, string? Certificate)
{
    /// <summary>A development host: no slot used (capped per 30 days instead).</summary>
    public bool Development { get; init; }
}

/// <summary>
/// <c>POST /v1/activate</c>: takes a slot (or records a development host) for a license that passes the status rules,
/// and answers with a certificate for what was activated.
/// </summary>
public sealed class ActivateLicense(KeyedLicenseReader reader, ActivationService activations, CertificateIssuer certificates, TimeProvider clock)
{
    public async Task<ActivateResult> ActivateAsync(string key, ActivationTarget target, string? name, string? address, CancellationToken ct) =>
        await reader.ReadAsync(key, address, ct).ConfigureAwait(false) is { } license
            ? await ActivateAsync(license, target, name, ct).ConfigureAwait(false)
            : new ActivateResult(false, ValidationCode.NotFound.ToWire(), ValidationRules.NotFound.Detail, null, null, null, null);

    /// <summary>As above, for a license its caller has already read through <see cref="KeyedLicenseReader"/> (EDD's compat API checks it first).</summary>
    public async Task<ActivateResult> ActivateAsync(License license, ActivationTarget target, string? name, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (ValidationRules.Status(license, now) is { } failed)
            return new ActivateResult(false, failed.Code.ToWire(), failed.Detail, null, license, null, null);
        var (_, policy, development) = await reader.PoliciesAsync(license, ct).ConfigureAwait(false);
        var outcome = await activations.ActivateAsync(license, target, name, development, Audit.Actor.Customer(), ct).ConfigureAwait(false);
        reader.Update(outcome.License);
        if (!outcome.Activated) return new ActivateResult(false, "ACTIVATION_LIMIT_REACHED", outcome.Detail, null, outcome.License, null, null);
        var revalidate = ValidationRules.RevalidateAfter(outcome.License, now, policy);
        var certificate = await certificates.IssueAsync(outcome.License, target.Domain is { } d && !HostBindings.IsWildcard(d) ? d : null,
            target.Fingerprint, revalidate, policy, outcome.Development, ct).ConfigureAwait(false);
        return new ActivateResult(true, ValidationCode.Valid.ToWire(), outcome.Detail, outcome.Activation, outcome.License, revalidate, certificate)
        {
            Development = outcome.Development,
        };
    }
}
