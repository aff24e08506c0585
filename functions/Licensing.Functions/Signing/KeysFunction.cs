using System.Text.Json.Nodes;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Signing;

/// <summary>
/// Public: the JWKS that verifies license keys and certificates offline (docs/license-keys.md, docs/certificates.md),
/// answered from memory. Root keys are plain JWKs; a delegated key adds the member <c>dlg</c>, its root-signed
/// delegation, and is never a key for license keys.
/// </summary>
public sealed class KeysFunction(JwksProvider jwks)
{
    /// <summary>The JWK member that carries a delegated key's proof (the same JWS as a certificate's <c>dlg</c> header).</summary>
    public const string DelegationMember = "dlg";

    [Function(nameof(GetKeys))]
    public async Task<IActionResult> GetKeys(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/keys")] HttpRequest req, CancellationToken ct)
    {
        var set = await jwks.GetAsync(ct);
        var keys = new JsonArray();
        foreach (var root in set.Roots) keys.Add(root.ToJson());
        foreach (var delegated in set.Delegated)
        {
            var jwk = delegated.Key.ToJson();
            jwk[DelegationMember] = delegated.Delegation;
            keys.Add(jwk);
        }
        var result = new ApiJsonResult(StatusCodes.Status200OK, new { keys }, "application/jwk-set+json");
        result.Headers["Cache-Control"] = "public, max-age=60";
        return result;
    }
}
