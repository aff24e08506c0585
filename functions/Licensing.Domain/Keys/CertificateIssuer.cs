using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;

namespace Licensing.Domain.Keys;

/// <summary>
/// Signs the certificate returned with a VALID verdict: a compact JWS (ES256) a client keeps for offline grace and
/// periodic re-validation. Claims: iss, sub (license id), pid, plan, status, features, domain or fingerprint,
/// lexp (license expiry, or null), rva (revalidate after), iat, nbf, exp, jti. The header carries the delegated
/// key's kid and its root-signed delegation (<c>dlg</c>) so a client holding only the root JWKS can check the chain.
/// </summary>
public sealed class CertificateIssuer(DelegatedKeyProvider keys, TimeProvider clock)
{
    public async ValueTask<string> IssueAsync(License license, string? domain, string? fingerprint, DateTimeOffset revalidateAfter, PlanPolicy policy, CancellationToken ct)
    {
        var key = await keys.GetAsync(ct).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        var exp = revalidateAfter + TimeSpan.FromHours(policy.OfflineGraceHours);
        if (license.ExpiresAt is { } e && e < exp) exp = e;
        if (key.PublishUntil < exp) exp = key.PublishUntil;

        var payload = new JsonObject
        {
            ["iss"] = DelegatedKeyProvider.Issuer,
            ["sub"] = license.Id,
            ["pid"] = license.ProductId,
            ["plan"] = license.Plan,
            ["status"] = "active",
            ["features"] = new JsonArray(license.Features.Select(f => (JsonNode)JsonValue.Create(f)!).ToArray()),
        };
        if (domain is not null) payload["domain"] = domain;
        if (fingerprint is not null) payload["fingerprint"] = fingerprint;
        payload["lexp"] = license.ExpiresAt?.ToUnixTimeSeconds();
        payload["rva"] = revalidateAfter.ToUnixTimeSeconds();
        payload["iat"] = now.ToUnixTimeSeconds();
        payload["nbf"] = now.ToUnixTimeSeconds();
        payload["exp"] = exp.ToUnixTimeSeconds();
        payload["jti"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        return key.Sign(new JsonObject { ["alg"] = "ES256", ["typ"] = "JWT", ["kid"] = key.Kid, ["dlg"] = key.Delegation }, payload);
    }
}
