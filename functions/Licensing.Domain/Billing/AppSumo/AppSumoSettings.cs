namespace Licensing.Domain.Billing.AppSumo;

/// <summary>
/// An account's AppSumo connection (<c>PUT /v1/integrations/appsumo</c>): the product its sales provision, and the
/// OAuth client's id and redirect URL. The API key and the client secret are kept apart, as secrets.
/// </summary>
public sealed record AppSumoSettings(string ProductId, string? ClientId, string? RedirectUrl);

/// <summary>The names under which an account's AppSumo settings live in the <see cref="ISecretStore"/>.</summary>
public static class AppSumoSecrets
{
    public static string ApiKeyName(string accountId) => Name("apikey", accountId);

    public static string ClientSecretName(string accountId) => Name("clientsecret", accountId);

    public static string SettingsName(string accountId) => Name("settings", accountId);

    private static string Name(string kind, string accountId) => ProviderSecrets.Name(BillingProvider.AppSumo, kind, accountId);
}
