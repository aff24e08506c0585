using Licensing.Domain.Audit;
using Licensing.Domain.Licenses;

namespace Licensing.Tests.Support;

/// <summary>A license store that passes every call to <paramref name="inner"/>; tests override the calls they observe or break.</summary>
public abstract class DelegatingLicenseStore(ILicenseStore inner) : ILicenseStore
{
    public virtual Task<License?> GetAsync(string accountId, string licenseId, CancellationToken ct) => inner.GetAsync(accountId, licenseId, ct);
    public virtual Task<IReadOnlyList<Activation>> ListActivationsAsync(License license, CancellationToken ct) => inner.ListActivationsAsync(license, ct);
    public virtual Task<Activation?> GetActivationAsync(License license, string activationId, CancellationToken ct) =>
        inner.GetActivationAsync(license, activationId, ct);
    public virtual Task AddAsync(License license, IReadOnlyList<Activation> activations, IReadOnlyList<ChangeRecord> journal, CancellationToken ct) =>
        inner.AddAsync(license, activations, journal, ct);
    public virtual Task<License> ReplaceAsync(License license, ActivationChanges changes, IReadOnlyList<ChangeRecord> journal, CancellationToken ct) =>
        inner.ReplaceAsync(license, changes, journal, ct);
    public virtual Task DeleteAsync(License license, ChangeRecord journal, CancellationToken ct) => inner.DeleteAsync(license, journal, ct);
    public virtual Task<LicensePage> ListAsync(string accountId, LicenseQuery query, DateTimeOffset now, CancellationToken ct) =>
        inner.ListAsync(accountId, query, now, ct);
}
