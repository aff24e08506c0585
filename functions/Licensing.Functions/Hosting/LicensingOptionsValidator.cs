using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Licensing.Functions.Hosting;

/// <summary>
/// The configuration checks the app makes before it starts, each failure naming its setting. In Azure the app refuses
/// to start rather than run half-configured: the root key must live in Key Vault, every <see cref="ProductionSettings"/>
/// entry must be set and the admin key must be long. Everywhere the client address source must be understood.
/// </summary>
public sealed class LicensingOptionsValidator(IConfiguration configuration) : IValidateOptions<LicensingOptions>
{
    /// <summary>The shortest admin key accepted in Azure: a bearer secret a person could guess is no secret.</summary>
    public const int MinAdminKeyLength = 32;

    private const string KeyVaultUriKey = $"{LicensingOptions.Section}:{nameof(LicensingOptions.Signing)}:{nameof(SigningOptions.KeyVaultUri)}";

    /// <summary>App Service and Functions set these on every instance; their presence means "running in Azure".</summary>
    public static bool IsRunningInAzure(IConfiguration configuration) =>
        !string.IsNullOrEmpty(configuration["WEBSITE_INSTANCE_ID"]) || !string.IsNullOrEmpty(configuration["WEBSITE_SITE_NAME"]);

    public ValidateOptionsResult Validate(string? name, LicensingOptions options)
    {
        var failures = new List<string>();
        if (IsRunningInAzure(configuration)) ValidateForAzure(options, failures);
        failures.AddRange(ShortKeys.ShortKeySecrets.Check(options.ShortKeys));
        if (options.ClientAddress.Source is not (ClientAddressOptions.Connection or ClientAddressOptions.XForwardedFor)
            || options.ClientAddress.TrustedHops is < 1 or > 10)
            failures.Add($"{LicensingOptions.Section}:ClientAddress must have Source {ClientAddressOptions.Connection}"
                + $" or {ClientAddressOptions.XForwardedFor} and TrustedHops 1-10.");
        if (options.Releases.DownloadMode is not (ReleaseOptions.Stream or ReleaseOptions.Redirect)
            || options.Releases.UploadUrlMinutes is < 1 or > 60 || options.Releases.DownloadUrlMinutes is < 1 or > 60)
            failures.Add($"{LicensingOptions.Section}:Releases must have DownloadMode {ReleaseOptions.Stream} or {ReleaseOptions.Redirect}"
                + " and UploadUrlMinutes and DownloadUrlMinutes of 1-60.");
        if (!Uri.TryCreate(options.DashboardUrl, UriKind.Absolute, out var dashboard) || dashboard.Scheme is not ("http" or "https"))
            failures.Add($"{LicensingOptions.Section}:DashboardUrl must be an absolute http or https URL (the dashboard sign-in links point to).");
        if (options.CredentialCacheSeconds is < 0 or > 60)
            failures.Add($"{LicensingOptions.Section}:CredentialCacheSeconds must be 0-60 (the bound on how long a revoked API key keeps working elsewhere).");
        if (options.Webhooks.QueueDelayCapSeconds is < 1 or > 86400)
            failures.Add($"{LicensingOptions.Section}:Webhooks:QueueDelayCapSeconds must be 1-86400.");
        if (options.Telemetry.SamplingRatio is < 0 or > 1 || double.IsNaN(options.Telemetry.SamplingRatio))
            failures.Add($"{LicensingOptions.Section}:Telemetry:SamplingRatio must be 0-1.");
        if (options.Telemetry.ConsoleIntervalSeconds is < 1 or > 3600 || options.Telemetry.GaugeRefreshSeconds is < 1 or > 3600)
            failures.Add($"{LicensingOptions.Section}:Telemetry:ConsoleIntervalSeconds and GaugeRefreshSeconds must be 1-3600.");
        if (options.HotRefresh is { IntervalSeconds: < 0 or > 60 } or { HotSeconds: < 1 or > 3600 } or { MaxRequestsPerRound: < 1 or > 10_000 }
            or { StallSeconds: < 0 or > 60 } || double.IsNaN(options.HotRefresh.IntervalSeconds) || double.IsNaN(options.HotRefresh.StallSeconds))
            failures.Add($"{LicensingOptions.Section}:HotRefresh must have IntervalSeconds 0-60 (0 off), HotSeconds 1-3600, MaxRequestsPerRound 1-10000"
                + " and StallSeconds 0-60.");
        if (options.AuditRetentionDays is < 1 or > 3650) failures.Add($"{LicensingOptions.Section}:AuditRetentionDays must be 1-3650.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Runs the checks now: any failure stops registration with an <see cref="InvalidOperationException"/> naming each failing setting.</summary>
    public void ThrowIfInvalid(LicensingOptions options)
    {
        var result = Validate(Options.DefaultName, options);
        if (result.Failed) throw new InvalidOperationException(result.FailureMessage);
    }

    private void ValidateForAzure(LicensingOptions options, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(options.Signing.KeyVaultUri))
            failures.Add(
                $"{KeyVaultUriKey} is not set (app setting {LicensingOptions.Section}__Signing__KeyVaultUri). " +
                "In Azure the root signing key must live in Key Vault; the local signing key is for local runs only.");
        foreach (var setting in ProductionSettings.All)
            if (ProductionSettings.ConfigurationKey(setting.Name) is var key && key != KeyVaultUriKey && string.IsNullOrWhiteSpace(configuration[key]))
                failures.Add($"App setting {setting.Name} is not set ({setting.Purpose}); infra/resources.bicep sets it.");
        if (options.Webhooks.AllowLoopback)
            failures.Add($"{LicensingOptions.Section}:Webhooks:AllowLoopback is for local runs only; in Azure webhooks go to public https URLs.");
        if (options.AdminKey is { Length: < MinAdminKeyLength })
            failures.Add(
                $"{LicensingOptions.Section}:AdminKey is shorter than {MinAdminKeyLength} characters;"
                + " in Azure the admin key must be a long random secret (e.g. openssl rand -base64 32).");
    }
}
