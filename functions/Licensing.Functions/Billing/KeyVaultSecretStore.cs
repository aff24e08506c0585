using Azure;
using Azure.Security.KeyVault.Secrets;
using Licensing.Domain.Billing;
using Licensing.Domain.Common;

namespace Licensing.Functions.Billing;

/// <summary>
/// Secrets in Azure Key Vault (Azure.Security.KeyVault.Secrets). Values (and misses) are cached per instance for 5
/// minutes in the shared <see cref="TtlCache{TKey, TValue}"/>, so a burst of webhooks costs one Key Vault read; a value
/// this instance writes is cached at once.
/// </summary>
public sealed class KeyVaultSecretStore(SecretClient client, TimeProvider clock) : ISecretStore
{
    public static readonly TimeSpan Ttl = TimeSpan.FromMinutes(5);
    private readonly TtlCache<string, string?> _cache = new(clock, Ttl);

    public async Task UpsertAsync(string name, string value, CancellationToken ct)
    {
        await client.SetSecretAsync(name, value, ct);
        _cache.Set(name, value);
    }

    public async Task<string?> GetAsync(string name, CancellationToken ct) =>
        await _cache.GetAsync(name, client, async (c, token) =>
        {
            try
            {
                return (await c.GetSecretAsync(name, null, token)).Value.Value;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return null;
            }
        }, ct);
}
