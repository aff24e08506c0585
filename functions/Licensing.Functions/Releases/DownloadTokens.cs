using System.Globalization;
using Licensing.Domain.Common;
using Licensing.Domain.Releases;
using Licensing.Functions.Hosting;
using Licensing.Functions.Http;
using Microsoft.Extensions.Options;

namespace Licensing.Functions.Releases;

/// <summary>
/// Download tokens: <c>account|license|product|release|expiry</c> sealed with an HMAC (<see cref="SealedTokens"/>, its own key
/// label), so any instance opens what another sealed, and a token cannot be altered, extended or moved to another license
/// or release without the key.
/// </summary>
public sealed class DownloadTokens(IOptions<LicensingOptions> options) : IDownloadTokens
{
    private const string Scope = "download";
    private readonly SealedTokens _seal = new(options.Value.AdminKey, "licensing download tokens v1");

    public string Seal(DownloadGrant grant) =>
        _seal.Seal(string.Join('|', grant.AccountId, grant.LicenseId, grant.ProductId, grant.ReleaseId,
            grant.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)), Scope);

    public DownloadGrant? Open(string token)
    {
        var parts = _seal.Open(token, Scope, maxLength: 1024)?.Split('|');
        return parts is { Length: 5 } && Ids.IsAccountId(parts[0]) && Ids.IsLicenseId(parts[1])
            && long.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var expires) && expires < 253402300799
            ? new DownloadGrant(parts[0], parts[1], parts[2], parts[3], DateTimeOffset.FromUnixTimeSeconds(expires))
            : null;
    }
}
