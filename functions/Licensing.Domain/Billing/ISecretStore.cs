namespace Licensing.Domain.Billing;

/// <summary>Where an account's payment-provider secrets live: Key Vault secrets in Azure, a protected local store locally.</summary>
public interface ISecretStore
{
    Task UpsertAsync(string name, string value, CancellationToken ct);

    /// <summary>The secret, or null when it was never set.</summary>
    Task<string?> GetAsync(string name, CancellationToken ct);
}
