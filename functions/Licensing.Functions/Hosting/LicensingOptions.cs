namespace Licensing.Functions.Hosting;

/// <summary>
/// Every setting the app reads, bound from the <c>Licensing</c> section (app settings use <c>Licensing__Name</c>).
/// docs/configuration.md describes each one.
/// </summary>
public sealed class LicensingOptions
{
    public const string Section = "Licensing";

    /// <summary>Bearer secret for admin endpoints. Unset: admin endpoints answer 401.</summary>
    public string? AdminKey { get; set; }

    /// <summary>A storage connection string (local: UseDevelopmentStorage=true). Set this or the service URIs.</summary>
    public string? StorageConnection { get; set; }

    /// <summary>Table endpoint for identity-based access in Azure, e.g. https://acct.table.core.windows.net.</summary>
    public string? TableServiceUri { get; set; }

    /// <summary>Queue endpoint for identity-based access in Azure, e.g. https://acct.queue.core.windows.net.</summary>
    public string? QueueServiceUri { get; set; }

    /// <summary>Blob endpoint for identity-based access in Azure (release packages), e.g. https://acct.blob.core.windows.net.</summary>
    public string? BlobServiceUri { get; set; }

    /// <summary>
    /// The app's public address up to the route prefix (https://app.azurewebsites.net/api), for links it hands out (download
    /// links). Unset: the scheme and host of the request being answered.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Release packages, update checks and downloads (docs/releases.md).</summary>
    public ReleaseOptions Releases { get; set; } = new();

    /// <summary>Client id of the user-assigned managed identity (Azure); unset uses the default credential chain.</summary>
    public string? ManagedIdentityClientId { get; set; }

    public SigningOptions Signing { get; set; } = new();

    /// <summary>The MAC secrets of short keys (docs/license-keys.md, "Short keys").</summary>
    public ShortKeys.ShortKeyOptions ShortKeys { get; set; } = new();

    /// <summary>
    /// Seconds a license read on the public path may be reused by this instance (hot licenses); also the bound on how
    /// long another instance's revocation takes to be seen. 0 disables the cache.
    /// </summary>
    public int LicenseCacheSeconds { get; set; } = 5;

    /// <summary>The background refresh of hot licenses, products and quota states ahead of expiry (docs/performance.md).</summary>
    public Licensing.Domain.HotRefresh.HotRefreshSettings HotRefresh { get; set; } = new();

    /// <summary>
    /// Seconds a certificate signed on validate is handed out again for the same license version, site and signing key
    /// (0-300, default 60; 0 signs every time). A change to the license always gets a new certificate (docs/performance.md).
    /// </summary>
    public int CertificateReuseSeconds { get; set; } = 60;

    /// <summary>Days audit log entries are kept at least (1-3650); a month's partition is deleted once all of it is older (docs/audit.md).</summary>
    public int AuditRetentionDays { get; set; } = 400;

    /// <summary>
    /// Seconds validate, activate, deactivate, usage and health may wait on storage and signing before answering 503 with
    /// Retry-After (0.5-30).
    /// </summary>
    public double PublicPathBudgetSeconds { get; set; } = 2.5;

    /// <summary>How often validation activity (first/last validation, sharing signal) is written out, in seconds.</summary>
    public int ActivityFlushSeconds { get; set; } = 10;

    public Licensing.Domain.Common.RateLimitSettings RateLimits { get; set; } = new();

    /// <summary>Where the caller's address (for per-address limits and the sharing signal) comes from.</summary>
    public ClientAddressOptions ClientAddress { get; set; } = new();

    public EmailOptions Email { get; set; } = new();

    public WebhookOptions Webhooks { get; set; } = new();

    /// <summary>Sampling, the local console view and the queue gauges (docs/observability.md).</summary>
    public Telemetry.TelemetryOptions Telemetry { get; set; } = new();

    /// <summary>Stripe's API base; only tests point it elsewhere.</summary>
    public string StripeApiBase { get; set; } = "https://api.stripe.com";

    /// <summary>Paddle Billing's API base (live accounts); tests point it at a fake.</summary>
    public string PaddleApiBase { get; set; } = "https://api.paddle.com";

    /// <summary>Paddle Billing's sandbox API base, used for integrations connected with <c>sandbox: true</c>.</summary>
    public string PaddleSandboxApiBase { get; set; } = "https://sandbox-api.paddle.com";

    /// <summary>Seconds after a Paddle-Signature's <c>ts</c> that the webhook still accepts it (Paddle's own SDKs use 5).</summary>
    public int PaddleToleranceSeconds { get; set; } = 5;

    /// <summary>AppSumo's base URL for OAuth (<c>/openid/token/</c>, <c>/openid/license_key/</c>); only tests point it elsewhere.</summary>
    public string AppSumoBaseUrl { get; set; } = "https://appsumo.com";
    /// <summary>
    /// The dashboard's base URL: sign-up and sign-in e-mails link to its <c>signin?token=…</c> page, which exchanges the
    /// token for a session (POST /v1/sessions). An absolute http(s) URL.
    /// </summary>
    public string DashboardUrl { get; set; } = "http://127.0.0.1:7071/";

    /// <summary>
    /// Seconds an API key lookup may be reused by this instance (0-60, default 30): the bound on how long a key revoked on
    /// another instance keeps working there. The instance that revokes a key refuses it at once.
    /// </summary>
    public int CredentialCacheSeconds { get; set; } = 30;

    /// <summary>Local runs: where the Data Protection keys that encrypt locally stored secrets are kept.</summary>
    public string LocalSecretsKeyPath { get; set; } = ".local/dataprotection";
}

/// <summary>Where release packages live and how downloads are served (docs/releases.md, docs/configuration.md).</summary>
public sealed class ReleaseOptions
{
    public const string Stream = "Stream";
    public const string Redirect = "Redirect";

    /// <summary>The blob container holding the packages.</summary>
    public string Container { get; set; } = "packages";

    /// <summary><c>Stream</c> (default: the app streams the blob) or <c>Redirect</c> (302 to a short-lived read-only SAS; Azure).</summary>
    public string DownloadMode { get; set; } = Stream;

    /// <summary>Minutes an upload URL (create/write SAS on one blob) stays valid (1-60).</summary>
    public int UploadUrlMinutes { get; set; } = 15;

    /// <summary>Minutes the read-only SAS a download redirects to stays valid (1-60).</summary>
    public int DownloadUrlMinutes { get; set; } = 5;
}

/// <summary>How e-mail leaves: Azure Communication Services in Azure, SMTP locally (docs/email.md).</summary>
public sealed class EmailOptions
{
    /// <summary>The From address (an ACS verified sender domain in Azure).</summary>
    public string From { get; set; } = "licenses@localhost";

    /// <summary>ACS endpoint, e.g. https://my-acs.communication.azure.com. Set: ACS is used.</summary>
    public string? AcsEndpoint { get; set; }

    /// <summary>ACS access key (HMAC); unset with an endpoint means managed identity.</summary>
    public string? AcsAccessKey { get; set; }

    public string SmtpHost { get; set; } = "127.0.0.1";
    public int SmtpPort { get; set; } = 2525;
    public string? SmtpUser { get; set; }
    public string? SmtpPassword { get; set; }
    public bool SmtpStartTls { get; set; }
}

/// <summary>Outbound webhooks (docs/webhooks.md).</summary>
public sealed class WebhookOptions
{
    /// <summary>Local runs only: endpoints may be http://127.0.0.1 (or another loopback address). Refused in Azure.</summary>
    public bool AllowLoopback { get; set; }

    /// <summary>The longest a retry waits in the queue before its due time is checked again on the app's clock (1-86400 s).</summary>
    public int QueueDelayCapSeconds { get; set; } = 3600;
}

/// <summary>
/// The caller's address is the connection's unless the platform in front of the app is known to set a forwarded header:
/// a client can write any X-Forwarded-For it likes, so the header is trusted only where it is configured
/// (docs/abuse.md, "Client addresses").
/// </summary>
public sealed class ClientAddressOptions
{
    /// <summary><c>Connection</c> (default) or <c>XForwardedFor</c> (behind a platform front end that appends the client's address).</summary>
    public string Source { get; set; } = Connection;

    /// <summary>
    /// With <c>XForwardedFor</c>: how many trusted proxies append to the header; the client is that many entries from the
    /// end (1: the last entry, appended by the one front end). Entries before it are whatever the client sent.
    /// </summary>
    public int TrustedHops { get; set; } = 1;

    public const string Connection = "Connection";
    public const string XForwardedFor = "XForwardedFor";
}

public sealed class SigningOptions
{
    /// <summary>Key Vault URI (https://name.vault.azure.net). Set: the root key lives in Key Vault. Required in Azure.</summary>
    public string? KeyVaultUri { get; set; }

    /// <summary>Name of the EC P-256 key in Key Vault.</summary>
    public string KeyName { get; set; } = "license-signing";

    /// <summary>Local runs only: where the local P-256 key is created on first run and kept.</summary>
    public string LocalKeyPath { get; set; } = ".local/signing-key.pem";
}
