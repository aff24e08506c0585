using Licensing.Domain.Common;

namespace Licensing.Domain.Releases;

/// <summary>
/// A product's releases held per instance for <see cref="Ttl"/>, so update checks (public, as frequent as validations)
/// read them from memory: a release published or uploaded on another instance is offered there within a minute, on
/// this instance at once.
/// </summary>
public sealed class ReleaseCache(IReleaseStore store, TimeProvider clock)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(60);
    private readonly TtlCache<(string, string), IReadOnlyList<Release>> _items = new(clock, Ttl);

    public ValueTask<IReadOnlyList<Release>> ListAsync(string accountId, string productId, CancellationToken ct) =>
        _items.GetAsync((accountId, productId), (store, accountId, productId), static (s, token) => s.store.ListAsync(s.accountId, s.productId, token), ct);

    /// <summary>Drops this instance's copy after a write here, so the next check reads what was written.</summary>
    public void Invalidate(string accountId, string productId) => _items.Remove((accountId, productId));
}
