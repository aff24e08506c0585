using System.Net;
using Licensing.Domain.Signing;
using Licensing.Functions.Signing;
using Licensing.Functions.Storage;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Licensing.Tests.Signing;

/// <summary><c>GET /v1/keys</c> answers from memory: a store that hangs never holds it up.</summary>
public sealed class KeysFromMemoryTests
{
    [Fact]
    public async Task A_hung_store_does_not_delay_the_jwks_it_answers_with_the_keys_it_had()
    {
        var clock = new TestClock();
        var registry = new HangingRegistry();
        await using var host = await TestHost.StartAsync(clock: clock, services: registry.Install, ownQueues: true);
        try
        {
            // Healthy: a VALID verdict makes this instance's delegated key; the JWKS lists it beside the root key.
            var apiKey = await host.CreateAccountWithProductAsync();
            var key = (await host.IssueAsync(apiKey)).GetProperty("licenseKey").GetString()!;
            Assert.Equal("VALID", (await host.PostAsync("v1/validate", new { key })).Json.GetProperty("code").GetString());
            await host.Services.GetRequiredService<JwksProvider>().RefreshAsync(default);
            var before = await host.GetAsync("v1/keys");
            Assert.Equal(HttpStatusCode.OK, before.Status);

            // The store hangs; the delegated-key list goes stale, so the next request wants a re-read.
            registry.Hang();
            clock.Advance(JwksProvider.RegistryTtl + TimeSpan.FromSeconds(1));
            var during = await host.GetAsync("v1/keys");

            // The re-read reached the store and is still stuck there, yet the JWKS was answered, with the same keys.
            await registry.Entered.Task.WaitAsync(TimeSpan.FromMinutes(1));
            Assert.True(registry.Stuck > 0);
            Assert.Equal(HttpStatusCode.OK, during.Status);
            Assert.Equal(Kids(before), Kids(during));
            Assert.Contains(Kids(during), k => k.StartsWith("dlg-", StringComparison.Ordinal));
            Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("v1/keys")).Status);
        }
        finally
        {
            registry.Release();
        }
    }

    [Fact]
    public async Task A_store_hung_from_the_start_still_gets_the_root_keys_served()
    {
        var registry = new HangingRegistry();
        registry.Hang();
        await using var host = await TestHost.StartAsync(services: registry.Install, ownQueues: true);
        try
        {
            var keys = await host.GetAsync("v1/keys");
            await registry.Entered.Task.WaitAsync(TimeSpan.FromMinutes(1)); // a read of the registry is stuck in the store
            Assert.True(registry.Stuck > 0);
            Assert.Equal(HttpStatusCode.OK, keys.Status);
            var roots = await host.Services.GetRequiredService<PublicKeyCache>().GetAsync(default);
            Assert.All(roots.Keys, r => Assert.Contains(r.Kid, Kids(keys)));
        }
        finally
        {
            registry.Release();
        }
    }

    private static string[] Kids(ApiResponse jwks) =>
        jwks.Json.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).Order(StringComparer.Ordinal).ToArray();

    /// <summary>The table registry, whose reads hang on demand (a frozen store): they never return until released.</summary>
    private sealed class HangingRegistry : IDelegatedKeyRegistry
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private IDelegatedKeyRegistry _inner = null!;
        private volatile bool _hanging;
        private int _stuck;

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Stuck => Volatile.Read(ref _stuck);

        public void Install(IServiceCollection services)
        {
            services.RemoveAll<IDelegatedKeyRegistry>();
            services.AddSingleton<IDelegatedKeyRegistry>(sp =>
            {
                _inner = new DelegatedKeyTableRegistry(sp.GetRequiredService<TableStorage>());
                return this;
            });
        }

        public void Hang() => _hanging = true;

        public void Release() => _released.TrySetResult();

        public Task UpsertAsync(DelegatedKeyRegistration key, CancellationToken ct) => _inner.UpsertAsync(key, ct);

        public async Task<IReadOnlyList<DelegatedKeyRegistration>> ListLiveAsync(DateTimeOffset now, CancellationToken ct)
        {
            if (_hanging)
            {
                Interlocked.Increment(ref _stuck);
                Entered.TrySetResult();
                await _released.Task; // deaf to cancellation, like a store that accepted the request and froze
                Interlocked.Decrement(ref _stuck);
            }
            return await _inner.ListLiveAsync(now, ct);
        }
    }
}
