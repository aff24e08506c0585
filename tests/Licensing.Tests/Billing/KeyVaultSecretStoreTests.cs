using Azure;
using Azure.Security.KeyVault.Secrets;
using Licensing.Functions.Billing;
using Licensing.Tests.Support;

namespace Licensing.Tests.Billing;

/// <summary>The Key Vault secret store reads through the shared per-instance cache: one Key Vault read per name per TTL.</summary>
public sealed class KeyVaultSecretStoreTests
{
    /// <summary>A Key Vault that counts reads (the SDK's clients are mockable: a protected constructor and virtual calls).</summary>
    private sealed class CountingVault : SecretClient
    {
        public readonly Dictionary<string, string> Values = [];
        public int Reads;

        public override Task<Response<KeyVaultSecret>> GetSecretAsync(string name, string? version = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Reads);
            return Values.TryGetValue(name, out var v)
                ? Task.FromResult(Response.FromValue(new KeyVaultSecret(name, v), null!))
                : throw new RequestFailedException(404, "SecretNotFound");
        }

        public override Task<Response<KeyVaultSecret>> SetSecretAsync(string name, string value, CancellationToken cancellationToken = default)
        {
            Values[name] = value;
            return Task.FromResult(Response.FromValue(new KeyVaultSecret(name, value), null!));
        }
    }

    [Fact]
    public async Task A_value_and_a_miss_are_read_once_per_ttl_and_a_write_is_served_from_memory()
    {
        var clock = new TestClock(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var vault = new CountingVault();
        vault.Values["a"] = "1";
        var store = new KeyVaultSecretStore(vault, clock);

        Assert.Equal("1", await store.GetAsync("a", default));
        Assert.Null(await store.GetAsync("missing", default));
        vault.Values["a"] = "2"; // changed elsewhere
        Assert.Equal("1", await store.GetAsync("a", default));
        Assert.Null(await store.GetAsync("missing", default));
        Assert.Equal(2, vault.Reads);

        clock.Advance(KeyVaultSecretStore.Ttl);
        Assert.Equal("2", await store.GetAsync("a", default));
        Assert.Equal(3, vault.Reads);

        await store.UpsertAsync("b", "3", default);
        Assert.Equal("3", await store.GetAsync("b", default));
        Assert.Equal(3, vault.Reads);
    }
}
