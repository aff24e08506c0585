using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Azure.Security.KeyVault.Secrets;
using Licensing.Domain.Billing;
using Licensing.Functions.Storage;
using Microsoft.AspNetCore.DataProtection;

namespace Licensing.Functions.Billing;

/// <summary>
/// Secrets in Azure Key Vault (Azure.Security.KeyVault.Secrets). Values are cached per instance for 5 minutes so a
/// burst of webhooks costs one Key Vault read.
/// </summary>
public sealed class KeyVaultSecretStore(SecretClient client, TimeProvider clock) : ISecretStore
{
    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, (string? Value, DateTimeOffset At)> _cache = new();

    public async Task SetAsync(string name, string value, CancellationToken ct)
    {
        await client.SetSecretAsync(name, value, ct);
        _cache[name] = (value, clock.GetUtcNow());
    }

    public async Task<string?> GetAsync(string name, CancellationToken ct)
    {
        if (_cache.TryGetValue(name, out var hit) && clock.GetUtcNow() - hit.At < Ttl) return hit.Value;
        string? value;
        try
        {
            value = (await client.GetSecretAsync(name, cancellationToken: ct)).Value.Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            value = null;
        }
        _cache[name] = (value, clock.GetUtcNow());
        return value;
    }
}

/// <summary>
/// Local runs: secrets encrypted with ASP.NET Core Data Protection (keys in a local folder, outside git) and kept
/// in the <c>localsecrets</c> table as ciphertext only. Never used in Azure (Key Vault is required there).
/// </summary>
public sealed class LocalProtectedSecretStore(TableStorage tables, IDataProtector protector) : ISecretStore
{
    private const string Partition = "secret";

    public static LocalProtectedSecretStore Create(TableStorage tables, string keyPath) =>
        new(tables, DataProtectionProvider.Create(new DirectoryInfo(Path.GetFullPath(keyPath)), b => b.SetApplicationName("licensing-local"))
            .CreateProtector("Licensing.Secrets.v1"));

    public Task SetAsync(string name, string value, CancellationToken ct) =>
        StorageFaults.Guard(() => tables.Table(TableStorage.SecretsTable).UpsertEntityAsync(
            new TableEntity(Partition, name) { ["Protected"] = protector.Protect(value) }, TableUpdateMode.Replace, ct), ct);

    public Task<string?> GetAsync(string name, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            var r = await tables.Table(TableStorage.SecretsTable).GetEntityIfExistsAsync<TableEntity>(Partition, name, cancellationToken: ct);
            return r.HasValue ? protector.Unprotect(r.Value!.GetString("Protected")) : null;
        }, ct);
}
