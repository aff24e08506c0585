using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Licensing.Domain.Common;
using Licensing.Domain.Signing;
using Licensing.Tests.Support;

namespace Licensing.Tests.Signing;

public sealed partial class LicenseKeyTests
{
    private static readonly Licensing.Functions.Signing.LocalRootSigner Signer = Signers.NewLocal();
    private static readonly KeyRing Ring = Signers.Ring(Signer);
    private static readonly string SampleKey = Issue(new LicenseKeyId(Ids.NewAccountId(), Ids.NewLicenseId()));

    private static string Issue(LicenseKeyId id) => LicenseKey.IssueAsync(Signer, id, CancellationToken.None).GetAwaiter().GetResult();

    [Fact]
    public void A_key_is_at_most_128_url_safe_ascii_characters()
    {
        Assert.True(SampleKey.Length <= 128);
        Assert.Equal(LicenseKey.Length, SampleKey.Length);
        Assert.Matches(UrlSafe(), SampleKey);
        Assert.Equal(SampleKey, Uri.EscapeDataString(SampleKey));
    }

    [Property(MaxTest = 100)]
    public bool Round_trip_returns_the_ids_that_were_signed(ulong account, ulong licenseHigh, uint licenseLow)
    {
        var accountId = Ids.AccountPrefix + account.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
        var licenseId = Ids.LicensePrefix + licenseHigh.ToString("x16", System.Globalization.CultureInfo.InvariantCulture)
            + licenseLow.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
        var key = Issue(new LicenseKeyId(accountId, licenseId));
        return LicenseKey.TryVerify(key, Ring, out var id) && id.AccountId == accountId && id.LicenseId == licenseId;
    }

    [Property(MaxTest = 1000)]
    public bool Any_single_character_change_is_rejected(NonNegativeInt position, char replacement)
    {
        var index = position.Get % SampleKey.Length;
        if (SampleKey[index] == replacement) return true; // not a change
        var tampered = SampleKey[..index] + replacement + SampleKey[(index + 1)..];
        return !LicenseKey.TryVerify(tampered, Ring, out _);
    }

    [Property(MaxTest = 300)]
    public bool Inserting_or_removing_a_character_is_rejected(NonNegativeInt position, char inserted)
    {
        var index = position.Get % SampleKey.Length;
        var longer = SampleKey.Insert(index, inserted.ToString());
        var shorter = SampleKey.Remove(index, 1);
        return !LicenseKey.TryVerify(longer, Ring, out _) && !LicenseKey.TryVerify(shorter, Ring, out _);
    }

    [Fact]
    public void Every_alternative_for_every_character_is_rejected()
    {
        // Exhaustive over the key alphabet: catches non-canonical base64url tails that decode to the same bytes.
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
        for (var i = 0; i < SampleKey.Length; i++)
            foreach (var c in alphabet)
            {
                if (c == SampleKey[i]) continue;
                var tampered = SampleKey[..i] + c + SampleKey[(i + 1)..];
                Assert.False(LicenseKey.TryVerify(tampered, Ring, out _), $"accepted a change at {i} to '{c}'");
            }
    }

    [Fact]
    public void A_key_signed_by_another_key_is_forged()
    {
        using var other = Signers.NewLocal();
        var forged = LicenseKey.IssueAsync(other, new LicenseKeyId(Ids.NewAccountId(), Ids.NewLicenseId()), CancellationToken.None).GetAwaiter().GetResult();
        Assert.True(LicenseKey.TryVerify(forged, Signers.Ring(other), out _));
        Assert.False(LicenseKey.TryVerify(forged, Ring, out _));
    }

    [Fact]
    public void The_high_s_twin_of_a_valid_signature_is_rejected()
    {
        // ECDSA signatures are malleable: (r, n-s) verifies too. Keys accept only the low-S form, so one signature has one text.
        var dot = SampleKey.LastIndexOf('.');
        var signature = Base64Url.Decode(SampleKey[(dot + 1)..]);
        var flipped = Es256.Twin(signature);
        Assert.NotEqual(signature, flipped);
        var tampered = SampleKey[..(dot + 1)] + Base64Url.Encode(flipped);
        Assert.NotEqual(SampleKey, tampered);
        Assert.False(LicenseKey.TryVerify(tampered, Ring, out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("LK1.")]
    [InlineData("not a key")]
    [InlineData("LK1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Malformed_keys_are_rejected(string? key) => Assert.False(LicenseKey.TryVerify(key, Ring, out _));

    [Fact]
    public void A_key_verifies_after_the_signer_is_reloaded_from_its_file()
    {
        var path = Path.Combine(Path.GetTempPath(), "licensing-unit-" + Guid.NewGuid().ToString("N"), "key.pem");
        string key;
        using (var first = new Licensing.Functions.Signing.LocalRootSigner(path))
            key = LicenseKey.IssueAsync(first, new LicenseKeyId(Ids.NewAccountId(), Ids.NewLicenseId()), CancellationToken.None).GetAwaiter().GetResult();
        using var second = new Licensing.Functions.Signing.LocalRootSigner(path);
        Assert.True(LicenseKey.TryVerify(key, Signers.Ring(second), out _));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task Processes_starting_at_once_share_one_local_key()
    {
        var path = Path.Combine(Path.GetTempPath(), "licensing-unit-" + Guid.NewGuid().ToString("N"), "key.pem");
        var kids = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() =>
        {
            using var signer = new Licensing.Functions.Signing.LocalRootSigner(path);
            return signer.Kid;
        })));
        Assert.Single(kids.Distinct());
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex UrlSafe();
}
