using FsCheck;
using FsCheck.Xunit;
using Licensing.Domain.Deals;

namespace Licensing.Tests.Deals;

public sealed class RedemptionCodeTests
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    [Fact]
    public void Generated_codes_are_80_random_bits_with_a_check_symbol_in_a_readable_format()
    {
        var codes = Enumerable.Range(0, 2000).Select(_ => RedemptionCode.Generate()).ToArray();
        Assert.Equal(codes.Length, codes.Distinct().Count());
        foreach (var code in codes.Take(50))
        {
            Assert.Matches("^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z*~$=U]$", code);
            Assert.NotNull(RedemptionCode.CanonicalGenerated(code));
        }
        // Every symbol position carries entropy: across 2000 codes each position takes many values.
        for (var i = 0; i < 16; i++)
            Assert.True(codes.Select(c => c.Replace("-", "")[i]).Distinct().Count() > 20, $"position {i}");
    }

    [Fact]
    public void Reading_forgives_case_dashes_spaces_and_look_alike_letters()
    {
        var code = RedemptionCode.Generate();
        var canonical = RedemptionCode.CanonicalGenerated(code)!;
        var sloppy = " " + code.ToLowerInvariant().Replace("-", " ").Replace('0', 'o').Replace('1', 'l') + " ";
        Assert.Equal(canonical, RedemptionCode.CanonicalGenerated(sloppy));
    }

    [Property(MaxTest = 500)]
    public bool Any_single_mistyped_symbol_is_caught(PositiveInt position, PositiveInt replacement)
    {
        var canonical = RedemptionCode.CanonicalGenerated(RedemptionCode.Generate())!;
        var i = position.Get % 16;
        var c = Alphabet[replacement.Get % Alphabet.Length];
        if (canonical[i] == c) return true;
        var typo = canonical[..i] + c + canonical[(i + 1)..];
        return RedemptionCode.CanonicalGenerated(typo) is null;
    }

    [Theory]
    [InlineData("appsumo-abc123", "APPSUMO-ABC123")]
    [InlineData(" AS 12 34 56 ", "AS123456")]
    [InlineData("short", null)]
    [InlineData("bad_char!", null)]
    public void Imported_codes_keep_their_format(string input, string? expected) => Assert.Equal(expected, RedemptionCode.CanonicalImported(input));
}
