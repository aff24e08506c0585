using Licensing.Domain.Billing;
using Licensing.Domain.Billing.AppSumo;
using Licensing.Domain.Common;

namespace Licensing.Functions.Billing.AppSumo;

/// <summary>An account's AppSumo connection in the <see cref="ISecretStore"/>: the API key and client secret as secrets, the rest as settings.</summary>
public sealed class AppSumoIntegration(ISecretStore secrets)
{
    public async Task SaveAsync(string accountId, string apiKey, AppSumoSettings settings, string? clientSecret, CancellationToken ct)
    {
        await secrets.UpsertAsync(AppSumoSecrets.ApiKeyName(accountId), apiKey, ct);
        if (clientSecret is not null) await secrets.UpsertAsync(AppSumoSecrets.ClientSecretName(accountId), clientSecret, ct);
        await secrets.UpsertAsync(AppSumoSecrets.SettingsName(accountId), StorageJson.Serialize(settings), ct);
    }

    /// <summary>The key that signs the account's webhooks; <see cref="NotFoundException"/> when AppSumo was never connected.</summary>
    public async Task<string> RequireApiKeyAsync(string accountId, CancellationToken ct) =>
        (Ids.IsAccountId(accountId) ? await secrets.GetAsync(AppSumoSecrets.ApiKeyName(accountId), ct) : null) ?? throw NotConnected();

    public async Task<AppSumoSettings> RequireSettingsAsync(string accountId, CancellationToken ct) =>
        (Ids.IsAccountId(accountId) && await secrets.GetAsync(AppSumoSecrets.SettingsName(accountId), ct) is { } json
            ? StorageJson.Deserialize<AppSumoSettings>(json) : null) ?? throw NotConnected();

    public Task<string?> GetClientSecretAsync(string accountId, CancellationToken ct) => secrets.GetAsync(AppSumoSecrets.ClientSecretName(accountId), ct);

    private static NotFoundException NotConnected() => new("no AppSumo integration for this account: PUT /v1/integrations/appsumo first");
}
