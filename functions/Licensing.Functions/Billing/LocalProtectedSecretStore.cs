using Azure.Data.Tables;
using Licensing.Domain.Billing;
using Licensing.Functions.Storage;
using Microsoft.AspNetCore.DataProtection;

namespace Licensing.Functions.Billing;

/// <summary>
/// Local runs: secrets encrypted with ASP.NET Core Data Protection (keys in a local folder, outside git) and kept
/// in the <c>localsecrets</c> table as ciphertext only. Never used in Azure (Key Vault is required there).
/// </summary>
public sealed class LocalProtectedSecretStore(TableStorage tables, IDataProtector protector) : ISecretStore
{
    private const string Partition = "secret";

    private TableClient Table => tables.Table(TableStorage.SecretsTable);

    public static LocalProtectedSecretStore Create(TableStorage tables, string keyPath) =>
        new(tables, DataProtectionProvider.Create(new DirectoryInfo(Path.GetFullPath(keyPath)), b => b.SetApplicationName("licensing-local"))
            .CreateProtector("Licensing.Secrets.v1"));

    public Task UpsertAsync(string name, string value, CancellationToken ct) =>
        Table.UpsertAsync(new TableEntity(Partition, name) { ["Protected"] = protector.Protect(value) }, ct);

    public async Task<string?> GetAsync(string name, CancellationToken ct) =>
        await Table.GetIfExistsAsync(Partition, name, ct) is { } e ? protector.Unprotect(e.GetString("Protected")) : null;
}
