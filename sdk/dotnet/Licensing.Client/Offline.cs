using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Licensing.Client
{
    /// <summary>
    /// A P-256 public key from the service's JWKS: a root key, or a delegated key (it carries <see cref="Delegation"/>,
    /// the JWK member <c>dlg</c>). Only root keys verify license keys and delegations; see <see cref="RootKeys"/>.
    /// </summary>
    public sealed class Jwk
    {
        /// <summary>Every delegated kid starts with this; no root kid does.</summary>
        public const string DelegatedKidPrefix = "dlg-";

        public Jwk(string kid, string x, string y) : this(kid, x, y, null) { }

        public Jwk(string kid, string x, string y, string? delegation) { Kid = kid; X = x; Y = y; Delegation = delegation; }

        public string Kid { get; }
        public string X { get; }
        public string Y { get; }

        /// <summary>The JWK's <c>dlg</c> member: the root-signed delegation of a delegated key; null on a root key.</summary>
        public string? Delegation { get; }

        /// <summary>A delegated key: it has a <c>dlg</c> member or a kid in the delegated namespace. Never a root key.</summary>
        public bool IsDelegated => Delegation != null || Kid.StartsWith(DelegatedKidPrefix, StringComparison.Ordinal);

        /// <summary>Parses a JWKS document (GET /v1/keys), keeping its EC P-256 ES256 keys, root and delegated.</summary>
        public static IReadOnlyList<Jwk> ParseSet(string jwksJson)
        {
            using var doc = JsonDocument.Parse(jwksJson);
            var keys = new List<Jwk>();
            foreach (var k in doc.RootElement.GetProperty("keys").EnumerateArray())
            {
                if (k.ValueKind != JsonValueKind.Object || Text(k, "kty") != "EC" || Text(k, "crv") != "P-256") continue;
                if (k.TryGetProperty("alg", out _) && Text(k, "alg") != "ES256") continue;
                var kid = Text(k, "kid");
                var x = Text(k, "x");
                var y = Text(k, "y");
                if (kid == null || x == null || y == null) continue;
                // Any dlg member marks a delegated key, even one that is not a string (it then proves nothing).
                keys.Add(new Jwk(kid, x, y, k.TryGetProperty("dlg", out var dlg) ? (dlg.ValueKind == JsonValueKind.String ? dlg.GetString()! : "") : null));
            }
            return keys;
        }

        /// <summary>
        /// The root keys of a set (docs/license-keys.md step 1): the keys that are not delegated, less any kid that
        /// appears more than once in the set (which of them is genuine cannot be told, so none is used).
        /// </summary>
        public static IReadOnlyList<Jwk> RootKeys(IEnumerable<Jwk> keys)
        {
            var all = keys.ToArray();
            var repeated = new HashSet<string>(all.GroupBy(k => k.Kid, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key),
                StringComparer.Ordinal);
            return all.Where(k => !k.IsDelegated && !repeated.Contains(k.Kid)).ToArray();
        }

        internal bool Verify(byte[] data, byte[] signature)
        {
            try
            {
                using var ecdsa = ECDsa.Create(new ECParameters
                {
                    Curve = ECCurve.NamedCurves.nistP256,
                    Q = new ECPoint { X = B64.Decode(X), Y = B64.Decode(Y) },
                });
                return ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256);
            }
            catch (Exception e) when (e is CryptographicException || e is FormatException)
            {
                return false; // not a P-256 point: verifies nothing
            }
        }

        private static string? Text(JsonElement o, string name) =>
            o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
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
            IsTrial = claims.TryGetProperty("trial", out var trial) && trial.ValueKind == JsonValueKind.True;
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

        /// <summary>The certificate's <c>trial</c> claim: the license is a trial (docs/trials.md).</summary>
        public bool IsTrial { get; }
    }

    /// <summary>
    /// Offline checks, exactly as docs/license-keys.md and docs/certificates.md describe them. Whatever set of keys they
    /// are handed, they use its root keys only (<see cref="Jwk.RootKeys"/>): a delegated key never verifies a license
    /// key, and is trusted for a certificate only through its delegation, verified against a root key.
    /// </summary>
    public static class OfflineVerifier
    {
        private const string Prefix = "LK1.";
        private const string Issuer = "urn:licensing";
        private static readonly byte[] HalfOrder = HexBytes("7FFFFFFF800000007FFFFFFFFFFFFFFFDE737D56D38BCF4279DCE5617E3192A8");

        /// <summary>
        /// Whether the key is a signed key (<c>LK1.</c>…), the only kind checked offline. A short key
        /// (<c>XXXXX-XXXXX-XXXXX-XXXXX-XXXXX</c>) or a marketplace's key carries a secret MAC only the server can check: it is
        /// sent to the server, and offline trust rests on the certificate the server gives for it.
        /// </summary>
        public static bool IsSignedKey(string? key) => key != null && key.StartsWith(Prefix, StringComparison.Ordinal);

        /// <summary>True when the key is genuine (signed by one of the root keys of <paramref name="keys"/>), with the ids it names.</summary>
        public static bool TryVerifyKey(string? key, IReadOnlyList<Jwk> keys, out KeyIds? ids)
        {
            ids = null;
            if (key == null || key.Length != 127 || !key.StartsWith(Prefix, StringComparison.Ordinal) || key[40] != '.') return false;
            var payload = B64.DecodeCanonical(key.Substring(4, 36), 27);
            var signature = B64.DecodeCanonical(key.Substring(41), 64);
            if (payload == null || signature == null || payload[0] != 1 || !IsLowS(signature)) return false;
            var input = Encoding.ASCII.GetBytes(key.Substring(0, 40));
            foreach (var jwk in Jwk.RootKeys(keys))
            {
                if (!KidHint(jwk.Kid).SequenceEqual(payload.Skip(1).Take(6))) continue;
                if (!jwk.Verify(input, signature)) continue;
                ids = new KeyIds("acct_" + Hex(payload, 7, 8), "lic_" + Hex(payload, 15, 12));
                return true;
            }
            return false;
        }

        /// <summary>
        /// The delegated key a delegation certifies (docs/certificates.md), or null: an ES256 JWS of type dlg+jwt, signed
        /// (low-S) by the root key of <paramref name="keys"/> its header names, issued by urn:licensing, whose <c>jwk</c> is
        /// the P-256 key of its <c>sub</c>, valid at <paramref name="now"/>. Use it to check a delegated JWK of the JWKS:
        /// the result must have the JWK's kid, x and y.
        /// </summary>
        public static Jwk? VerifyDelegation(string? delegation, IReadOnlyList<Jwk> keys, DateTimeOffset now, TimeSpan? clockSkew = null)
        {
            var skew = clockSkew ?? TimeSpan.FromMinutes(5);
            if (!Jws.TryParse(delegation, out var header, out var claims, out var input, out var signature)) return null;
            if (Text(header, "alg") != "ES256" || Text(header, "typ") != "dlg+jwt") return null;
            var rootKid = Text(header, "kid");
            var root = Jwk.RootKeys(keys).FirstOrDefault(k => k.Kid == rootKid);
            if (root == null || !IsLowS(signature) || !root.Verify(input, signature)) return null;
            var kid = Text(claims, "sub");
            if (Text(claims, "iss") != Issuer || kid == null) return null;
            if (!claims.TryGetProperty("jwk", out var jwk) || jwk.ValueKind != JsonValueKind.Object) return null;
            if (Text(jwk, "kty") != "EC" || Text(jwk, "crv") != "P-256" || Text(jwk, "kid") != kid) return null;
            var x = Text(jwk, "x");
            var y = Text(jwk, "y");
            var nbf = Seconds(claims, "nbf");
            var exp = Seconds(claims, "exp");
            if (x == null || y == null || nbf == null || exp == null) return null;
            if (nbf.Value > now + skew || exp.Value < now - skew) return null;
            return new Jwk(kid, x, y, delegation);
        }

        /// <summary>
        /// Verifies a certificate through its delegation (root key → delegated key → certificate) and its lifetime at
        /// <paramref name="now"/>. Returns null when anything fails.
        /// </summary>
        public static Certificate? VerifyCertificate(string? token, IReadOnlyList<Jwk> keys, DateTimeOffset now, TimeSpan? clockSkew = null)
        {
            var skew = clockSkew ?? TimeSpan.FromMinutes(5);
            if (!Jws.TryParse(token, out var header, out var claims, out var input, out var signature)) return null;
            if (Text(header, "alg") != "ES256") return null;
            var delegated = VerifyDelegation(Text(header, "dlg"), keys, now, skew);
            if (delegated == null || delegated.Kid != Text(header, "kid") || !delegated.Verify(input, signature)) return null;
            var exp = Seconds(claims, "exp");
            var nbf = Seconds(claims, "nbf");
            if (exp == null || nbf == null || exp.Value < now - skew || nbf.Value > now + skew) return null;
            return new Certificate(token!, claims);
        }

        private static string? Text(JsonElement o, string name) =>
            o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        private static DateTimeOffset? Seconds(JsonElement o, string name) =>
            o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var s) && s >= 0 && s < 253402300800
                ? DateTimeOffset.FromUnixTimeSeconds(s) : (DateTimeOffset?)null;

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
