using Licensing.Domain.Audit;
using Licensing.Domain.Common;

namespace Licensing.Domain.Licenses;

public sealed record LicenseQuery(string? ProductId, string? CustomerEmail, LicenseStatus? Status, string? ContinuationToken, int PageSize,
    string? Plan = null);

public sealed record LicensePage(IReadOnlyList<License> Items, string? ContinuationToken);

/// <summary>Activation rows a license write adds and removes, written atomically with the license (its index).</summary>
public sealed record ActivationChanges(IReadOnlyList<Activation> Added, IReadOnlyList<string> Removed)
{
    public static ActivationChanges None { get; } = new([], []);
}

public interface ILicenseStore
{
    /// <summary>One point read (the license with its activation index). Null when there is no such license in that account.</summary>
    Task<License?> GetAsync(string accountId, string licenseId, CancellationToken ct);

    /// <summary>The details of the license's activations, in the order of its index (one range read of its rows).</summary>
    Task<IReadOnlyList<Activation>> ListActivationsAsync(License license, CancellationToken ct);

    /// <summary>One activation's details (a point read); null when the license has no such activation.</summary>
    Task<Activation?> GetActivationAsync(License license, string activationId, CancellationToken ct);

    /// <summary>
    /// Inserts the license, its activations and the change records of <paramref name="journal"/> together (one atomic
    /// write); <see cref="ConflictException"/> when the id is taken.
    /// </summary>
    Task AddAsync(License license, IReadOnlyList<Activation> activations, IReadOnlyList<ChangeRecord> journal, CancellationToken ct);

    /// <summary>
    /// Replaces the license if it still has <see cref="License.Version"/> (else <see cref="ConcurrencyException"/>), and
    /// adds and removes the activation rows of <paramref name="changes"/> and journals <paramref name="journal"/> in the
    /// same atomic write: a change is never made without its records, nor recorded without being made.
    /// </summary>
    Task<License> ReplaceAsync(License license, ActivationChanges changes, IReadOnlyList<ChangeRecord> journal, CancellationToken ct);

    /// <summary>
    /// Deletes the license if it still has <see cref="License.Version"/> (else <see cref="ConcurrencyException"/>), with its
    /// activation rows, journaling <paramref name="journal"/> in the same atomic write.
    /// </summary>
    Task DeleteAsync(License license, ChangeRecord journal, CancellationToken ct);

    /// <summary>One page of an account's licenses; <paramref name="now"/> decides which active ones count as expired.</summary>
    Task<LicensePage> ListAsync(string accountId, LicenseQuery query, DateTimeOffset now, CancellationToken ct);
}

/// <summary>Finding an account's licenses by an activated domain (<c>GET /v1/licenses?domain=</c>).</summary>
public interface ILicenseDomainIndex
{
    /// <summary>
    /// The ids of the account's licenses with an activation on <paramref name="domain"/> (a normalised binding), at most
    /// <paramref name="max"/>, from a filtered read of the account's activation rows.
    /// </summary>
    Task<IReadOnlyList<string>> FindByDomainAsync(string accountId, string domain, int max, CancellationToken ct);
}
