using System.Security.Cryptography;
using Licensing.Domain.Signing;
using Licensing.Functions.Signing;
using Licensing.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Licensing.Tests.Signing;

public sealed class JwksProviderTests
{
    /// <summary>One instance's signing: its root key, registry, delegated-key provider and JWKS, on a clock the test moves.</summary>
    private sealed class Instance : IDisposable
    {
        public TestClock Clock { get; } = new(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero));
        public LocalRootSigner Root { get; } = Signers.NewLocal();
        public InMemoryDelegatedKeyRegistry Registry { get; } = new();
        public ListLogger<JwksProvider> Log { get; } = new();
        public DelegatedKeyProvider Provider { get; }
        public JwksProvider Jwks { get; }

        public Instance()
        {
            Provider = new DelegatedKeyProvider(Root, Registry, Clock);
            Jwks = new JwksProvider(new PublicKeyCache(Root, Clock), Registry, Provider, Clock, Log);
        }

        public void Dispose() => Root.Dispose();
    }

    [Fact]
    public async Task Rotated_keys_stay_published_with_their_proofs_until_their_delegation_expires()
    {
        using var instance = new Instance();
        var (clock, root, provider, jwks) = (instance.Clock, instance.Root, instance.Provider, instance.Jwks);

        // Before any registry read, this instance's own key is listed from memory.
        var first = await provider.GetAsync(default);
        var cold = await jwks.GetAsync(default);
        Assert.Equal([root.Kid], cold.Roots.Select(k => k.Kid));
        Assert.Equal([first.Kid], cold.Delegated.Select(k => k.Key.Kid));
        Assert.Equal(first.Delegation, cold.Delegated[0].Delegation);

        clock.Advance(TimeSpan.FromHours(25));
        var second = await provider.GetAsync(default);
        await jwks.RefreshAsync(default);
        Assert.Equal(new[] { first.Kid, second.Kid }.Order(), (await jwks.GetAsync(default)).Delegated.Select(k => k.Key.Kid).Order());

        // Past the first key's delegation: gone even before the registry is read again.
        clock.Advance(first.PublishUntil - clock.GetUtcNow());
        Assert.DoesNotContain(first.Kid, (await jwks.GetAsync(default)).Delegated.Select(k => k.Key.Kid));
    }

    [Fact]
    public async Task Rows_without_a_valid_proof_are_skipped_and_logged_once_by_kid()
    {
        using var instance = new Instance();
        var (clock, registry, logger, jwks) = (instance.Clock, instance.Registry, instance.Log, instance.Jwks);
        var genuine = await instance.Provider.GetAsync(default);
        var start = clock.GetUtcNow();

        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forged = PublicJwk.From(Delegation.KidPrefix + "attacker", attacker.ExportParameters(false));
        await registry.UpsertAsync(new DelegatedKeyRegistration(forged, null, start.AddDays(30)), default);
        // The genuine delegation copied onto the attacker's key under a kid of its own.
        await registry.UpsertAsync(new DelegatedKeyRegistration(forged with { Kid = Delegation.KidPrefix + "copy" }, genuine.Delegation, start.AddDays(30)),
            default);

        await jwks.RefreshAsync(default);
        clock.Advance(JwksProvider.RegistryTtl + TimeSpan.FromSeconds(1));
        await jwks.RefreshAsync(default);

        var published = await jwks.GetAsync(default);
        Assert.Equal([genuine.Kid], published.Delegated.Select(k => k.Key.Kid));
        Assert.DoesNotContain(published.Delegated, k => k.Key.X == forged.X);
        Assert.Equal(2, logger.Lines.Count);
        Assert.Contains(logger.Lines, l => l.Contains("dlg-attacker", StringComparison.Ordinal) && l.Contains("no delegation", StringComparison.Ordinal));
        Assert.Contains(logger.Lines, l => l.Contains("dlg-copy", StringComparison.Ordinal)
            && l.Contains("another kid or public key", StringComparison.Ordinal));
        Assert.DoesNotContain(logger.Lines, l => l.Contains(genuine.Delegation, StringComparison.Ordinal));
    }

    private sealed class ListLogger<T> : ILogger<T>
    {
        public List<string> Lines { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines) Lines.Add(formatter(state, exception));
        }
    }
}
