using System.Text.Json;
using System.Text.RegularExpressions;
using Licensing.Domain.Signing;
using Licensing.Tests.Support;

namespace Licensing.Tests.Signing;

/// <summary>docs/license-keys.md is normative; its example must verify with the server's own code.</summary>
public sealed partial class DocumentedVectorTests
{
    private static string Block(string doc, string language) =>
        Regex.Match(doc, "```" + language + @"\n(.*?)\n```", RegexOptions.Singleline).Groups[1].Value.Trim();

    [Fact]
    public void The_documented_example_key_verifies_and_names_the_documented_ids()
    {
        var doc = File.ReadAllText(Repo.PathTo("docs", "license-keys.md"));
        var key = Block(doc, "license-key");
        var jwks = JsonDocument.Parse(Block(doc, "jwks")).RootElement.GetProperty("keys").EnumerateArray()
            .Select(k => new PublicJwk(k.GetProperty("kid").GetString()!, k.GetProperty("x").GetString()!, k.GetProperty("y").GetString()!)).ToArray();
        var ring = new KeyRing(jwks);

        Assert.True(LicenseKey.TryVerify(key, ring, out var id));
        Assert.Equal("acct_8dd8b0965f9475c3", id.AccountId);
        Assert.Equal("lic_62ba527be2c6d86300018043", id.LicenseId);
        Assert.Equal("8be145a9ee3f", Convert.ToHexStringLower(LicenseKey.KidHint(jwks[0].Kid)));
        Assert.Equal(127, key.Length);
        Assert.Equal(40, key.LastIndexOf('.'));

        var tampered = key[..50] + (key[50] == 'A' ? 'B' : 'A') + key[51..];
        Assert.False(LicenseKey.TryVerify(tampered, ring, out _));
    }
}
