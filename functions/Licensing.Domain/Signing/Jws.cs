using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Licensing.Domain.Signing;

/// <summary>Compact JWS (RFC 7515) with ES256, as used for certificates and key delegations.</summary>
public static class Jws
{
    public static string SigningInput(JsonObject header, JsonObject payload) =>
        Common.Base64Url.Encode(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + Common.Base64Url.Encode(JsonSerializer.SerializeToUtf8Bytes(payload));

    public static async Task<string> SignWithRootAsync(JsonObject header, JsonObject payload, IRootSigner root, string kid, CancellationToken ct)
    {
        var input = SigningInput(header, payload);
        var signature = await root.SignDigestAsync(kid, SHA256.HashData(Encoding.ASCII.GetBytes(input)), ct).ConfigureAwait(false);
        return input + "." + Common.Base64Url.Encode(Es256.NormalizeLowS(signature.Value));
    }

    /// <summary>Splits and decodes a compact JWS; false if it is not three well-formed base64url parts of JSON objects.</summary>
    public static bool TryParse(string? token, out JsonObject header, out JsonObject payload, out byte[] signingInput, out byte[] signature)
    {
        header = payload = null!;
        signingInput = signature = [];
        if (token is null || token.Length > 16 * 1024) return false;
        var parts = token.Split('.');
        if (parts.Length != 3) return false;
        try
        {
            header = JsonNode.Parse(Common.Base64Url.Decode(parts[0])) as JsonObject ?? throw new FormatException();
            payload = JsonNode.Parse(Common.Base64Url.Decode(parts[1])) as JsonObject ?? throw new FormatException();
            signature = Common.Base64Url.Decode(parts[2]);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return false;
        }
        signingInput = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        return signature.Length == Es256.SignatureSize;
    }
}
