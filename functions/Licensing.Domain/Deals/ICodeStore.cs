using Licensing.Domain.Common;

namespace Licensing.Domain.Deals;

/// <summary>What adding a batch did: the codes written now (with their versions) and those the account already held.</summary>
public sealed record CodeBatchWrite(IReadOnlyList<CodeRecord> Added, IReadOnlyList<CodeRecord> Held);

/// <summary>Codes belong to one account: every call looks inside that account only.</summary>
public interface ICodeStore
{
    /// <summary>
    /// Adds each code to its account's partition unless the account already holds that hash, code by code (not
    /// atomically), and says which were added (with their versions) and which were held (as stored, for whatever
    /// product and plan). <paramref name="imported"/>: the codes come from outside, so a code this account stored in
    /// the older layout is moved into its partition first and counts as held.
    /// </summary>
    Task<CodeBatchWrite> AddAsync(IReadOnlyList<CodeRecord> codes, bool imported, CancellationToken ct);

    /// <summary>
    /// Deletes codes (a batch undone), each only if it is still at its <see cref="CodeRecord.Version"/> (any version
    /// when it has none): a code redeemed meanwhile stays. A code already gone is fine.
    /// </summary>
    Task DeleteAsync(IReadOnlyList<CodeRecord> codes, CancellationToken ct);

    Task<CodeRecord?> GetAsync(string accountId, string hash, CancellationToken ct);

    /// <summary>Conditional on <see cref="CodeRecord.Version"/>; <see cref="ConcurrencyException"/> when it changed.</summary>
    Task<CodeRecord> ReplaceAsync(CodeRecord code, CancellationToken ct);
}
