using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Licensing.Client
{
    /// <summary>A P-256 public key from the service's JWKS.</summary>
    public sealed class Jwk
    {
        public Jwk(string kid, string x, string y) { Kid = kid; X = x; Y = y; }
        public string Kid { get; }
        public string X { get; }
        public string Y { get; }

        /// <summary>Parses a JWKS document (GET /v1/keys), keeping the EC P-256 ES256 keys.</summary>
        public static IReadOnlyList<Jwk> ParseSet(string jwksJson)
        {
            using var doc = JsonDocument.Parse(jwksJson);
            return doc.RootElement.GetProperty("keys").EnumerateArray()
                .Where(k => k.GetProperty("kty").GetString() == "EC" && k.GetProperty("crv").GetString() == "P-256")
                .Select(k => new Jwk(k.GetProperty("kid").GetString()!, k.GetProperty("x").GetString()!, k.GetProperty("y").GetString()!))
                .ToArray();
        }

        internal bool Verify(byte[] data, byte[] signature)
        {
            using var ecdsa = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = B64.Decode(X), Y = B64.Decode(Y) },
            });
            return ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256);
        }
    }

    /// <summary>The ids a genuine license key names.</summary>
    public sealed class KeyIds
    {
        internal KeyIds(string accountId, string licenseId) { AccountId = accountId; LicenseId = licenseId; }
        public string AccountId { get; }
        public string LicenseId { get; }
    }

    /// <summary>A certificate that verified: its claims.</summary>
    public sealed class Certificate
    {
        internal Certificate(string token, JsonElement claims)
        {
            Token = token;
            LicenseId = claims.GetProperty("sub").GetString()!;
            ProductId = claims.TryGetProperty("pid", out var p) ? p.GetString() : null;
            Plan = claims.TryGetProperty("plan", out var pl) ? pl.GetString() : null;
            Features = claims.TryGetProperty("features", out var f) ? f.EnumerateArray().Select(x => x.GetString()!).ToArray() : Array.Empty<string>();
            Domain = claims.TryGetProperty("domain", out var d) ? d.GetString() : null;
            Fingerprint = claims.TryGetProperty("fingerprint", out var fp) ? fp.GetString() : null;
            IssuedAt = DateTimeOffset.FromUnixTimeSeconds(claims.GetProperty("iat").GetInt64());
            RevalidateAfter = DateTimeOffset.FromUnixTimeSeconds(claims.GetProperty("rva").GetInt64());
            ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(claims.GetProperty("exp").GetInt64());
        }

        public string Token { get; }
        public string LicenseId { get; }
        public string? ProductId { get; }
        public string? Plan { get; }
        public IReadOnlyList<string> Features { get; }
        public string? Domain { get; }
        public string? Fingerprint { get; }
        public DateTimeOffset IssuedAt { get; }
        public DateTimeOffset RevalidateAfter { get; }
        public DateTimeOffset ExpiresAt { get; }
    }

    /// <summary>
    /// Offline checks, exactly as docs/license-keys.md and docs/certificates.md describe them. Needs only the pinned
    /// root keys of the JWKS: certificates are checked through their delegation chain.
    /// </summary>
    public static class OfflineVerifier
    {
        private const string Prefix = "LK1.";
        private static readonly byte[] HalfOrder = HexBytes("7FFFFFFF800000007FFFFFFFFFFFFFFFDE737D56D38BCF4279DCE5617E3192A8");

        /// <summary>True when the key is genuine (signed by one of <paramref name="keys"/>), with the ids it names.</summary>
        public static bool TryVerifyKey(string? key, IReadOnlyList<Jwk> keys, out KeyIds? ids)
        {
            ids = null;
            if (key == null || key.Length != 127 || !key.StartsWith(Prefix, StringComparison.Ordinal) || key[40] != '.') return false;
            var payload = B64.DecodeCanonical(key.Substring(4, 36), 27);
            var signature = B64.DecodeCanonical(key.Substring(41), 64);
            if (payload == null || signature == null || payload[0] != 1 || !IsLowS(signature)) return false;
            var input = Encoding.ASCII.GetBytes(key.Substring(0, 40));
            foreach (var jwk in keys)
            {
                if (!KidHint(jwk.Kid).SequenceEqual(payload.Skip(1).Take(6))) continue;
                if (!jwk.Verify(input, signature)) continue;
                ids = new KeyIds("acct_" + Hex(payload, 7, 8), "lic_" + Hex(payload, 15, 12));
                return true;
            }
            return false;
        }

        /// <summary>
        /// Verifies a certificate through its delegation (root key → delegated key → certificate) and its lifetime at
        /// <paramref name="now"/>. Returns null when anything fails.
        /// </summary>
        public static Certificate? VerifyCertificate(string? token, IReadOnlyList<Jwk> rootKeys, DateTimeOffset now, TimeSpan? clockSkew = null)
        {
            var skew = clockSkew ?? TimeSpan.FromMinutes(5);
            if (!Jws.TryParse(token, out var header, out var claims, out var input, out var signature)) return null;
            if (header.GetProperty("alg").GetString() != "ES256" || !header.TryGetProperty("dlg", out var dlgElement)) return null;
            var kid = header.GetProperty("kid").GetString();
            if (!Jws.TryParse(dlgElement.GetString(), out var dlgHeader, out var dlgClaims, out var dlgInput, out var dlgSignature)) return null;
            var rootKid = dlgHeader.GetProperty("kid").GetString();
            var root = rootKeys.FirstOrDefault(k => k.Kid == rootKid);
            if (root == null || !IsLowS(dlgSignature) || !root.Verify(dlgInput, dlgSignature)) return null;
            if (dlgClaims.GetProperty("sub").GetString() != kid) return null;
            if (DateTimeOffset.FromUnixTimeSeconds(dlgClaims.GetProperty("exp").GetInt64()) < now - skew) return null;
            var jwk = dlgClaims.GetProperty("jwk");
            var delegated = new Jwk(kid!, jwk.GetProperty("x").GetString()!, jwk.GetProperty("y").GetString()!);
            if (!delegated.Verify(input, signature)) return null;
            var certificate = new Certificate(token!, claims);
            if (certificate.ExpiresAt < now - skew) return null;
            if (DateTimeOffset.FromUnixTimeSeconds(claims.GetProperty("nbf").GetInt64()) > now + skew) return null;
            return certificate;
        }

        private static byte[] KidHint(string kid)
        {
            using var sha = SHA256.Create();
            return sha.ComputeHash(Encoding.UTF8.GetBytes(kid)).Take(6).ToArray();
        }

        private static bool IsLowS(byte[] signature)
        {
            if (signature.Length != 64) return false;
            for (var i = 0; i < 32; i++)
            {
                if (signature[32 + i] < HalfOrder[i]) return true;
                if (signature[32 + i] > HalfOrder[i]) return false;
            }
            return true;
        }

        private static string Hex(byte[] bytes, int offset, int count)
        {
            var sb = new StringBuilder(count * 2);
            for (var i = offset; i < offset + count; i++) sb.Append(bytes[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            return sb.ToString();
        }

        private static byte[] HexBytes(string hex) =>
            Enumerable.Range(0, hex.Length / 2).Select(i => Convert.ToByte(hex.Substring(i * 2, 2), 16)).ToArray();
    }

    internal static class Jws
    {
        public static bool TryParse(string? token, out JsonElement header, out JsonElement claims, out byte[] input, out byte[] signature)
        {
            header = claims = default;
            input = signature = Array.Empty<byte>();
            var parts = token?.Split('.');
            if (parts == null || parts.Length != 3) return false;
            try
            {
                header = JsonDocument.Parse(B64.Decode(parts[0])).RootElement.Clone();
                claims = JsonDocument.Parse(B64.Decode(parts[1])).RootElement.Clone();
                signature = B64.Decode(parts[2]);
            }
            catch (Exception e) when (e is FormatException || e is JsonException)
            {
                return false;
            }
            input = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
            return signature.Length == 64 && header.ValueKind == JsonValueKind.Object && claims.ValueKind == JsonValueKind.Object;
        }
    }

    internal static class B64
    {
        public static byte[] Decode(string text)
        {
            var s = text.Replace('-', '+').Replace('_', '/');
            switch (s.Length % 4) { case 2: s += "=="; break; case 3: s += "="; break; case 1: throw new FormatException("not base64url"); }
            return Convert.FromBase64String(s);
        }

        public static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        /// <summary>Decodes only the canonical unpadded base64url form of exactly <paramref name="length"/> bytes.</summary>
        public static byte[]? DecodeCanonical(string text, int length)
        {
            if (text.Any(c => !(char.IsLetterOrDigit(c) && c < 128) && c != '-' && c != '_')) return null;
            try
            {
                var bytes = Decode(text);
                return bytes.Length == length && Encode(bytes) == text ? bytes : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }
}
