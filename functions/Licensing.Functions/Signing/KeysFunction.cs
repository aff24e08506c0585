using Licensing.Domain.Keys;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Signing;

/// <summary>Public: the JWKS that verifies license keys and certificates offline (docs/license-keys.md, docs/certificates.md).</summary>
public sealed class KeysFunction(JwksProvider jwks)
{
    [Function(nameof(GetKeys))]
    public async Task<IActionResult> GetKeys(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/keys")] HttpRequest req, CancellationToken ct)
    {
        var keys = await jwks.GetAsync(ct);
        var result = new ApiJsonResult(StatusCodes.Status200OK, new
        {
            keys = keys.Select(k => new { kty = PublicJwk.KeyType, crv = PublicJwk.Curve, x = k.X, y = k.Y, kid = k.Kid, alg = PublicJwk.Algorithm, use = "sig" }),
        }, "application/jwk-set+json");
        result.Headers["Cache-Control"] = "public, max-age=60";
        return result;
    }
}
