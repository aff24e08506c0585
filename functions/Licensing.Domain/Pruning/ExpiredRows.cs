namespace Licensing.Domain.Pruning;

/// <summary>
/// Rows that stop meaning anything after a while (expired sessions and sign-in tokens, idempotency records past their
/// window): <see cref="DeleteExpiredAsync"/> deletes at most <c>max</c> of those that expired by <c>now</c>.
/// </summary>
public sealed record ExpiringRows(string Name, Func<DateTimeOffset, int, CancellationToken, Task<int>> DeleteExpiredAsync);

/// <summary>
/// The pruning timer's job: each kind of expiring row in bounded pages, at most <see cref="MaxPerRun"/> per kind and
/// run, so one run stays short however much has piled up; what is left goes with the next run. docs/storage.md.
/// </summary>
public sealed class ExpiredRowPruner(IEnumerable<ExpiringRows> kinds, TimeProvider clock)
{
    public const int MaxPerRun = 5_000;

    public async Task<IReadOnlyDictionary<string, int>> PruneAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var deleted = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var kind in kinds) deleted[kind.Name] = await kind.DeleteExpiredAsync(now, MaxPerRun, ct).ConfigureAwait(false);
        return deleted;
    }
}
