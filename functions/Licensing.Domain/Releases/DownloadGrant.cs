namespace Licensing.Domain.Releases;

/// <summary>What a download token carries: one license, one release, and until when it may be used.</summary>
public sealed record DownloadGrant(string AccountId, string LicenseId, string ProductId, string ReleaseId, DateTimeOffset ExpiresAt);

/// <summary>Seals and opens download tokens (an HMAC over the grant; altered or foreign tokens do not open).</summary>
public interface IDownloadTokens
{
    string Seal(DownloadGrant grant);

    /// <summary>The grant a token carries, or null when it was not sealed here or was altered (expiry is the caller's to judge).</summary>
    DownloadGrant? Open(string token);
}
