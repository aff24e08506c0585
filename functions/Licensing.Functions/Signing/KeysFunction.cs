using Licensing.Domain.Keys;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Signing;

/// <summary>Public: the JWKS that verifies license keys offline (docs/license-keys.md).</summary>
public sealed class KeysFunction(PublicKeyCache keys)
{
    [Function(nameof(GetKeys))]
    public async Task<IActionResult> GetKeys(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/keys")] HttpRequest req, CancellationToken ct)
    {
        var ring = await keys.GetAsync(ct);
        var result = new ApiJsonResult(StatusCodes.Status200OK, new
        {
            keys = ring.Keys.Select(k => new { kty = PublicJwk.KeyType, crv = PublicJwk.Curve, x = k.X, y = k.Y, kid = k.Kid, alg = PublicJwk.Algorithm, use = "sig" }),
        }, "application/jwk-set+json");
        result.Headers["Cache-Control"] = "public, max-age=300";
        return result;
    }
}
