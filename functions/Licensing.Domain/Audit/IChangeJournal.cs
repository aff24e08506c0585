namespace Licensing.Domain.Audit;

/// <summary>
/// The change journal: records written in the same atomic write as the change they describe (beside the license, in
/// its partition), kept until every <see cref="IChangeConsumer"/> has taken them. docs/audit.md.
/// </summary>
public interface IChangeJournal
{
    /// <summary>One journaled record; null once it was handed on (or never existed).</summary>
    Task<ChangeRecord?> GetAsync(string accountId, string changeId, CancellationToken ct);

    /// <summary>Records of every account journaled at or before <paramref name="before"/>: what a crash or a failed hand-off left (timer only).</summary>
    IAsyncEnumerable<ChangeRecord> QueryAsync(DateTimeOffset before, CancellationToken ct);

    /// <summary>An account's journaled records (erasure redacts them).</summary>
    Task<IReadOnlyList<ChangeRecord>> ListAsync(string accountId, CancellationToken ct);

    /// <summary>
    /// Journals a record of a change that is not a license write (the sharing signal, written with the license's activity):
    /// it is handed on like the others, but is not in the same atomic write as what it describes.
    /// </summary>
    Task AddAsync(ChangeRecord record, CancellationToken ct);

    /// <summary>Replaces a record that is still journaled (erasure); false when it was handed on meanwhile.</summary>
    Task<bool> ReplaceAsync(ChangeRecord record, CancellationToken ct);

    Task DeleteAsync(string accountId, string changeId, CancellationToken ct);
}

/// <summary>Tells the fan-out that records were journaled (a queue message each). Never fails the change: the sweep catches what it misses.</summary>
public interface IChangeNotifier
{
    Task NotifyAsync(IReadOnlyList<ChangeRecord> records, CancellationToken ct);
}

/// <summary>
/// Appends to the audit log directly, for changes outside licenses (products, code batches, integration settings) that
/// no webhook depends on. License changes go through the journal instead.
/// </summary>
public interface IAuditLog
{
    Task AppendAsync(ChangeRecord change, CancellationToken ct);
}
