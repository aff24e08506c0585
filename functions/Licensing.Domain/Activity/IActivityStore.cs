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

    /// <summary>The most rows one <see cref="ReplaceAllAsync"/> writes (an entity-group transaction's limit).</summary>
    public const int MaxRowsPerTransaction = 100;

    /// <summary>
    /// Replaces rows of one account, each only if unchanged since its <see cref="LicenseActivity.Version"/>, in one storage request and
    /// all or none: the new versions in order, or none written when any row had changed or gone (and which one, when storage says).
    /// At most <see cref="MaxRowsPerTransaction"/> rows, every one with a version.
    /// </summary>
    Task<RowsReplaced> ReplaceAllAsync(IReadOnlyList<LicenseActivity> rows, CancellationToken ct);

    /// <summary>Removes a deleted license's activity (its sites and hashed addresses); nothing if there is none.</summary>
    Task DeleteAsync(string accountId, string licenseId, CancellationToken ct);
}

/// <summary>
/// What <see cref="IActivityStore.ReplaceAllAsync"/> did: every row written (<paramref name="Versions"/>, their new versions in
/// order), or none, with the index of a row that had changed or gone when storage said which.
/// </summary>
public sealed record RowsReplaced(IReadOnlyList<string?>? Versions, int? ChangedRow = null);
