namespace Licensing.Domain.Audit;

/// <summary>
/// What <c>GET /v1/audit</c> asks for: an account's entries, or one license's, with <paramref name="From"/> ≤ at &lt;
/// <paramref name="To"/>, newest first, a page at a time (<paramref name="ContinuationToken"/> is the store's own, unsealed).
/// </summary>
public sealed record AuditQuery(string? LicenseId, DateTimeOffset? From, DateTimeOffset? To, string? ContinuationToken, int PageSize);

public sealed record AuditPage(IReadOnlyList<ChangeRecord> Items, string? ContinuationToken);

/// <summary>The audit log: append-only, one partition per account and month, kept for the retention period. docs/audit.md.</summary>
public interface IAuditStore : IAuditLog
{
    /// <summary>One page, newest first; <paramref name="now"/> bounds the months read when the query has no <c>to</c>.</summary>
    Task<AuditPage> ListAsync(string accountId, AuditQuery query, DateTimeOffset now, CancellationToken ct);

    /// <summary>Every entry of the account still kept (erasure looks through them).</summary>
    IAsyncEnumerable<ChangeRecord> QueryAllAsync(string accountId, DateTimeOffset now, CancellationToken ct);

    /// <summary>Rewrites an entry in place (erasure only: the log is otherwise append-only).</summary>
    Task ReplaceAsync(ChangeRecord entry, CancellationToken ct);

    /// <summary>Deletes every month partition entirely older than <paramref name="cutoff"/>; returns the entries deleted.</summary>
    Task<int> DeleteBeforeAsync(DateTimeOffset cutoff, CancellationToken ct);
}

/// <summary>Writes every journaled change into the audit log (idempotent: an entry's keys derive from the change).</summary>
public sealed class AuditLogConsumer(IAuditStore store) : IChangeConsumer
{
    public Task ConsumeAsync(ChangeRecord change, CancellationToken ct) => store.AppendAsync(change, ct);
}
