using Licensing.Domain.Domains;

namespace Licensing.Domain.Licenses;

/// <summary>
/// <c>GET /v1/licenses?key=</c> and <c>?domain=</c>: finding an account's licenses by what a customer quotes. A key goes through
/// the same parsing the public path uses (<see cref="KeyedLicenseReader"/>: signed, short or imported alias keys), and a
/// license of another account is never returned (it is as unknown as a forged key). A domain is normalised as a binding and
/// matched against the account's activation rows.
/// </summary>
public sealed class LicenseSearch(KeyedLicenseReader reader, ILicenseStore licenses, ILicenseDomainIndex domains)
{
    /// <summary>At most this many licenses are returned for one domain.</summary>
    public const int MaxByDomain = 100;

    /// <summary>The account's license the key names (fresh from storage), or none.</summary>
    public async Task<IReadOnlyList<License>> ByKeyAsync(string accountId, string key, CancellationToken ct)
    {
        // The account stands in for the client address: unknown-key lookups are limited per account.
        var found = await reader.ReadForSearchAsync(key, "account:" + accountId, ct).ConfigureAwait(false);
        return found is not null && found.AccountId == accountId ? [found] : [];
    }

    /// <summary>The account's licenses with an activation on <paramref name="domain"/> (already normalised), oldest id first.</summary>
    public async Task<IReadOnlyList<License>> ByDomainAsync(string accountId, string domain, CancellationToken ct)
    {
        var ids = await domains.FindByDomainAsync(accountId, domain, MaxByDomain, ct).ConfigureAwait(false);
        var found = await Task.WhenAll(ids.Select(id => licenses.GetAsync(accountId, id, ct))).ConfigureAwait(false);
        return found.OfType<License>().ToArray();
    }

    /// <summary>The binding form of a searched domain, or null when it is not a host name.</summary>
    public static string? NormalizeDomain(string? input) => HostBindings.NormalizeBinding(input);
}
