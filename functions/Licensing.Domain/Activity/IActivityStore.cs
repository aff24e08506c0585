using Licensing.Domain.Common;

namespace Licensing.Domain.Activity;

public interface IActivityStore
{
    Task<LicenseActivity?> GetAsync(string accountId, string licenseId, CancellationToken ct);

    /// <summary>
    /// Inserts (Version null) or replaces if unchanged since read (changed or gone: <see cref="ConcurrencyException"/>); returns
    /// the written row's new version (null if storage did not say).
    /// </summary>
    Task<string?> AddOrReplaceAsync(LicenseActivity activity, CancellationToken ct);

    /// <summary>Removes a deleted license's activity (its sites and hashed addresses); nothing if there is none.</summary>
    Task DeleteAsync(string accountId, string licenseId, CancellationToken ct);
}
