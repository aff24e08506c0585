using System.Security.Cryptography;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Licensing.Domain.Signing;

namespace Licensing.Tests.Signing;

/// <summary>Short keys: the format, forgiving typing, and a MAC that refuses every single-symbol mistake.</summary>
public sealed class ShortKeyTests
{
    private static readonly byte[] SecretV1 = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] SecretV2 = RandomNumberGenerator.GetBytes(32);

    private static byte[]? Secrets(int version) => version switch { 1 => SecretV1, 2 => SecretV2, _ => null };

    private static bool Verifies(string text) => ShortKey.TryVerify(text, Secrets, out _);

    private static Arbitrary<string> Keys() => Gen.Choose(1, 2).Select(v => ShortKey.New(v, Secrets(v)!)).ToArbitrary();

    [Fact]
    public void A_new_key_is_25_crockford_symbols_in_five_groups_and_verifies()
    {
        var key = ShortKey.New(1, SecretV1);
        Assert.Matches("^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){4}$", key);
        Assert.True(ShortKey.TryVerify(key, Secrets, out var canonical));
        Assert.Equal(key, canonical);
        Assert.NotEqual(key, ShortKey.New(1, SecretV1));
    }

    [Property(MaxTest = 300)]
    public Property Typing_variants_are_accepted_and_read_as_the_same_key() => Prop.ForAll(Keys(), key =>
    {
        var typed = key.ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal).Replace('0', 'o').Replace('1', 'l');
        return ShortKey.TryVerify(typed, Secrets, out var canonical) && canonical == key
            && Verifies(key.Replace("-", "", StringComparison.Ordinal)) && Verifies("  " + key.Replace('1', 'I') + " ");
    });

    [Property(MaxTest = 300)]
    public Property Any_single_symbol_change_is_refused() => Prop.ForAll(Keys(), Gen.Choose(0, 24).ToArbitrary(), Gen.Choose(1, 31).ToArbitrary(),
        (key, position, shift) =>
        {
            var symbols = key.Replace("-", "", StringComparison.Ordinal).ToCharArray();
            symbols[position] = ShortKey.Alphabet[(ShortKey.Alphabet.IndexOf(symbols[position]) + shift) % 32];
            return !Verifies(new string(symbols));
        });

    [Property(MaxTest = 300)]
    public Property Any_transposition_of_two_different_neighbours_is_refused() => Prop.ForAll(Keys(), Gen.Choose(0, 23).ToArbitrary(), (key, position) =>
    {
        var symbols = key.Replace("-", "", StringComparison.Ordinal).ToCharArray();
        if (symbols[position] == symbols[position + 1]) return true;
        (symbols[position], symbols[position + 1]) = (symbols[position + 1], symbols[position]);
        return !Verifies(new string(symbols));
    });

    [Property(MaxTest = 300)]
    public Property Any_insertion_or_deletion_is_refused() => Prop.ForAll(Keys(), Gen.Choose(0, 24).ToArbitrary(), Gen.Choose(0, 31).ToArbitrary(),
        (key, position, symbol) =>
        {
            var plain = key.Replace("-", "", StringComparison.Ordinal);
            return !Verifies(plain.Insert(position, ShortKey.Alphabet[symbol].ToString())) && !Verifies(plain.Remove(position, 1));
        });

    [Fact]
    public void Rotation_new_keys_use_the_new_version_and_keys_of_a_secret_no_longer_kept_are_refused()
    {
        var old = ShortKey.New(1, SecretV1);
        var current = ShortKey.New(2, SecretV2);
        Assert.True(Verifies(old));
        Assert.True(Verifies(current));
        Assert.False(ShortKey.TryVerify(old, v => v == 2 ? SecretV2 : null, out _));
        Assert.False(ShortKey.TryVerify(ShortKey.New(1, RandomNumberGenerator.GetBytes(32)), Secrets, out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("LK1.abc")]
    [InlineData("ABCDE-FGHJK-MNPQR-STVWX-YZ01U")]
    [InlineData("ABCDE-FGHJK-MNPQR-STVWX")]
    public void Text_that_is_not_25_symbols_of_the_alphabet_is_not_a_short_key(string? text)
    {
        Assert.False(ShortKey.HasShape(text));
        Assert.False(ShortKey.TryVerify(text, Secrets, out _));
    }
}
