using Licensing.Domain.Common;
using Licensing.Domain.Signing;

namespace Licensing.Tests.Signing;

public sealed class KeyVaultRootSignerTests
{
    private static LicenseKeyId NewId() => new(Ids.NewAccountId(), Ids.NewLicenseId());

    [Fact]
    public async Task Signs_through_the_REST_api_and_keys_verify_against_the_published_jwks()
    {
        await using var vault = await FakeKeyVault.StartAsync();
        var credential = new FakeCredential();
        var signer = new Licensing.Functions.Signing.KeyVaultRootSigner(vault.Uri, FakeKeyVault.KeyName, credential, vault.ClientOptions());

        var keys = new List<string>();
        for (var i = 0; i < 4; i++) keys.Add(await LicenseKey.IssueAsync(signer, NewId(), default)); // half come back high-S
        var ring = new KeyRing(await signer.GetPublicKeysAsync(default));

        Assert.All(keys, k => Assert.True(LicenseKey.TryVerify(k, ring, out _)));
        Assert.Equal($"{FakeKeyVault.KeyName}/{vault.CurrentVersion}", Assert.Single(ring.Keys).Kid);
        Assert.Empty(vault.Rejections);
        Assert.All(credential.Scopes, s => Assert.Equal("https://vault.azure.net/.default", s));
        Assert.Contains($"POST /keys/{FakeKeyVault.KeyName}/{vault.CurrentVersion}/sign?api-version=2025-07-01", vault.Requests);
        Assert.Contains($"GET /keys/{FakeKeyVault.KeyName}?api-version=2025-07-01", vault.Requests);
    }

    [Fact]
    public async Task Keys_signed_before_a_rotation_keep_verifying_until_their_version_is_disabled()
    {
        await using var vault = await FakeKeyVault.StartAsync();
        var before = await LicenseKey.IssueAsync(new Licensing.Functions.Signing.KeyVaultRootSigner(vault.Uri, FakeKeyVault.KeyName, new FakeCredential(),
            vault.ClientOptions()), NewId(), default);
        var oldVersion = vault.CurrentVersion;
        vault.AddVersion();

        var signer = new Licensing.Functions.Signing.KeyVaultRootSigner(vault.Uri, FakeKeyVault.KeyName, new FakeCredential(), vault.ClientOptions());
        var after = await LicenseKey.IssueAsync(signer, NewId(), default);
        Assert.Contains($"POST /keys/{FakeKeyVault.KeyName}/{vault.CurrentVersion}/sign?api-version=2025-07-01", vault.Requests);

        var ring = new KeyRing(await signer.GetPublicKeysAsync(default));
        Assert.Equal(2, ring.Keys.Count);
        Assert.Equal($"{FakeKeyVault.KeyName}/{vault.CurrentVersion}", ring.Keys[0].Kid); // newest first
        Assert.True(LicenseKey.TryVerify(before, ring, out _));
        Assert.True(LicenseKey.TryVerify(after, ring, out _));

        vault.Disabled.Add(oldVersion);
        var retired = new KeyRing(await signer.GetPublicKeysAsync(default));
        Assert.False(LicenseKey.TryVerify(before, retired, out _));
        Assert.True(LicenseKey.TryVerify(after, retired, out _));
    }

    [Fact]
    public async Task A_wrong_token_or_an_unreachable_vault_is_signing_unavailable()
    {
        await using var vault = await FakeKeyVault.StartAsync();
        var wrongToken = new Licensing.Functions.Signing.KeyVaultRootSigner(vault.Uri, FakeKeyVault.KeyName, new FakeCredential("stolen"),
            vault.ClientOptions());
        await Assert.ThrowsAsync<ServiceUnavailableException>(() => LicenseKey.IssueAsync(wrongToken, NewId(), default));
        Assert.Contains("401 bearer token", vault.Rejections);

        var closed = new Licensing.Functions.Signing.KeyVaultRootSigner(new Uri("https://127.0.0.1:9/"), FakeKeyVault.KeyName, new FakeCredential(),
            vault.ClientOptions());
        await Assert.ThrowsAsync<ServiceUnavailableException>(() => closed.GetPublicKeysAsync(default));
    }

    [Fact]
    public void A_root_key_name_in_the_delegated_namespace_is_refused() =>
        Assert.Throws<ArgumentException>(() => new Licensing.Functions.Signing.KeyVaultRootSigner(
            new Uri("https://vault.example"), Delegation.KidPrefix + "root", new FakeCredential()));
}
