namespace Licensing.Functions.Hosting;

/// <summary>
/// Every app setting the app (and its Functions host) reads in production. infra/resources.bicep sets exactly
/// these (a test compares the two), and <see cref="LicensingOptionsValidator"/> refuses to start in Azure without them.
/// </summary>
public static class ProductionSettings
{
    public sealed record Setting(string Name, string Purpose);

    public static IReadOnlyList<Setting> All { get; } =
    [
        new("AzureWebJobsStorage__accountName", "the Functions host's storage account (identity-based)"),
        new("AzureWebJobsStorage__credential", "managedidentity"),
        new("AzureWebJobsStorage__clientId", "the user-assigned identity the host uses for its storage"),
        new("APPLICATIONINSIGHTS_CONNECTION_STRING", "Application Insights"),
        new("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", "Entra ID authentication to Application Insights"),
        new("Licensing__TableServiceUri", "the Table endpoint"),
        new("Licensing__QueueServiceUri", "the Queue endpoint"),
        new("Licensing__BlobServiceUri", "the Blob endpoint (release packages)"),
        new("Licensing__PublicBaseUrl", "the app's https address up to /api, for the download links update checks hand out"),
        new("Licensing__Releases__DownloadMode", "Redirect: downloads answer with a short-lived user-delegation SAS"),
        new("Licensing__ManagedIdentityClientId", "the identity the app uses for storage, Key Vault and e-mail"),
        new("Licensing__Signing__KeyVaultUri", "the vault holding the root signing key and the Stripe secrets"),
        new("Licensing__Signing__KeyName", "the EC P-256 signing key's name"),
        new("Licensing__AdminKey", "the admin bearer secret (a Key Vault reference)"),
        new("Licensing__ShortKeys__CurrentVersion", "the short-key secret version new short keys are made with"),
        new("Licensing__ShortKeys__Secrets__1", "short-key secret version 1 (a Key Vault reference to short-key-1)"),
        new("Licensing__Email__AcsEndpoint", "Azure Communication Services endpoint"),
        new("Licensing__Email__From", "the e-mail sender address"),
        new("Licensing__DashboardUrl", "the dashboard's base URL, which sign-in e-mails link to"),
        new("Licensing__ClientAddress__Source", "XForwardedFor: the platform's front end appends the caller's address"),
        new("Licensing__Telemetry__SamplingRatio", "the share of traces sent to Application Insights (docs/observability.md)"),
    ];

    /// <summary>The configuration key of an app setting ("a__b" is the key "a:b").</summary>
    public static string ConfigurationKey(string name) => name.Replace("__", ":", StringComparison.Ordinal);
}
