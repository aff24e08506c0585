using Licensing.Domain.Validation;

namespace Licensing.Domain.Releases;

/// <summary>
/// The answer to an update check: the license's verdict (validation's, with the offered release's date judged against the
/// update entitlement), the release offered, and a download token when the verdict is VALID.
/// </summary>
public sealed record UpdateOffer(Verdict Verdict, Release? Release, string? DownloadToken, DateTimeOffset? DownloadExpiresAt)
{
    public bool UpdateAvailable => Release is not null;
}

/// <summary>
/// <c>POST /v1/updates/check</c> (and EDD's <c>get_version</c>): validation decides, through <see cref="ValidateLicense"/>
/// itself, with the offered release's date as the release date, so UPDATE_NOT_COVERED and every other verdict come from
/// the one set of rules. A download token bound to the license and the release is sealed only for a VALID verdict.
/// </summary>
public sealed class CheckForUpdate(ValidateLicense validation, ReleaseCache releases, IDownloadTokens tokens, TimeProvider clock)
{
    /// <summary>How long a download URL handed out by a check works: WordPress and EDD's updater cache a check for up to 12 hours.</summary>
    public static readonly TimeSpan DownloadLifetime = TimeSpan.FromHours(24);

    /// <param name="current">The version the caller runs; null offers the newest release whatever it runs (EDD's updater compares itself).</param>
    public async Task<UpdateOffer> CheckAsync(ValidationRequest request, SemanticVersion? current, ReleaseChannel channel, string? clientAddress,
        CancellationToken ct)
    {
        Release? offered = null;
        var verdict = await validation.ValidateAsync(request, clientAddress, async (license, t) =>
        {
            offered = ReleaseRules.Offer(await releases.ListAsync(license.AccountId, license.ProductId, t).ConfigureAwait(false), channel, current);
            return offered?.ReleasedAt;
        }, ct).ConfigureAwait(false);
        if (!verdict.Valid || offered is null || verdict.License is not { } l) return new UpdateOffer(verdict, offered, null, null);
        var expires = clock.GetUtcNow() + DownloadLifetime;
        return new UpdateOffer(verdict, offered, tokens.Seal(new DownloadGrant(l.AccountId, l.Id, offered.ProductId, offered.Id, expires)), expires);
    }
}
