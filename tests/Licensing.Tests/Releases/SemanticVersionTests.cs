using FsCheck;
using FsCheck.Xunit;
using Licensing.Domain.Releases;

namespace Licensing.Tests.Releases;

/// <summary>The SemVer comparer: the spec's own examples, and properties over random versions.</summary>
public sealed class SemanticVersionTests
{
    private static SemanticVersion V(string text) => SemanticVersion.TryParse(text) ?? throw new ArgumentException($"not a version: {text}");

    private static readonly string[] Identifiers = ["alpha", "beta", "rc", "0", "1", "2", "11", "a-b", "Beta", "x1"];

    /// <summary>A pre-release made from random numbers: 1-3 identifiers from <see cref="Identifiers"/>.</summary>
    private static string Pre(int seed) =>
        string.Join('.', Enumerable.Range(0, 1 + Math.Abs(seed % 3)).Select(i => Identifiers[Math.Abs((seed / (i + 1) + i) % Identifiers.Length)]));

    [Fact]
    public void The_specs_precedence_example_sorts_as_the_spec_lists_it()
    {
        string[] ordered =
            ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.9.0", "1.10.0",
             "1.11.0", "2.0.0", "2.1.0", "2.1.1"];
        var shuffled = ordered.Reverse().Concat(ordered).Distinct().OrderBy(s => s.GetHashCode()).Select(V).ToList();
        shuffled.Sort();
        Assert.Equal(ordered, shuffled.Select(v => v.Text));
    }

    [Theory]
    [InlineData("1.10.0", "1.9.0")]
    [InlineData("1.0.0", "1.0.0-rc.1")]
    [InlineData("2.0", "1.99.99")]
    [InlineData("1.2.1", "1.2")]
    [InlineData("1.0.0-beta.11", "1.0.0-beta.2")]
    [InlineData("1.0.0-beta", "1.0.0-Beta")] // ASCII: upper case sorts first
    public void Newer_is_greater(string newer, string older)
    {
        Assert.True(V(newer) > V(older));
        Assert.True(V(older) < V(newer));
    }

    [Theory]
    [InlineData("1.2", "1.2.0")]
    [InlineData("3", "3.0.0")]
    [InlineData("1.2.3+build.7", "1.2.3")]
    [InlineData("1.2.3-rc.1+a", "1.2.3-rc.1+b")]
    public void Equal_precedence(string a, string b)
    {
        Assert.Equal(0, V(a).CompareTo(V(b)));
        Assert.Equal(V(a).Precedence, V(b).Precedence);
        Assert.Equal(a, V(a).Text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("v1.2.3")]
    [InlineData("01.2.3")]
    [InlineData("1.02.3")]
    [InlineData("1.2.3.4")]
    [InlineData("1..2")]
    [InlineData("1.2.3-")]
    [InlineData("1.2.3-01")]
    [InlineData("1.2.3-a..b")]
    [InlineData("1.2.3+")]
    [InlineData("1.2.3-a b")]
    [InlineData("1.2.3-ü")]
    [InlineData("1.2.x")]
    [InlineData("1234567890123456.0.0")]
    public void Malformed_versions_are_refused(string text) => Assert.Null(SemanticVersion.TryParse(text));

    [Fact]
    public void Versions_are_at_most_64_characters() =>
        Assert.Null(SemanticVersion.TryParse("1.0.0-" + new string('a', SemanticVersion.MaxLength - 5)));

    [Property(MaxTest = 500)]
    public bool Cores_compare_by_major_then_minor_then_patch(NonNegativeInt a, NonNegativeInt b, NonNegativeInt c, NonNegativeInt d,
        NonNegativeInt e, NonNegativeInt f)
    {
        var left = V($"{a.Get}.{b.Get}.{c.Get}");
        var right = V($"{d.Get}.{e.Get}.{f.Get}");
        var expected = a.Get != d.Get ? a.Get.CompareTo(d.Get) : b.Get != e.Get ? b.Get.CompareTo(e.Get) : c.Get.CompareTo(f.Get);
        return Math.Sign(left.CompareTo(right)) == Math.Sign(expected);
    }

    [Property(MaxTest = 500)]
    public bool A_pre_release_sorts_below_its_release_and_above_the_release_before(NonNegativeInt major, NonNegativeInt minor, int seed)
    {
        var release = V($"{major.Get}.{minor.Get}.1");
        var pre = V($"{major.Get}.{minor.Get}.1-{Pre(seed)}");
        var before = V($"{major.Get}.{minor.Get}.0");
        return pre < release && pre > before && pre.IsPreRelease && !release.IsPreRelease;
    }

    [Property(MaxTest = 500)]
    public bool The_order_is_antisymmetric_and_transitive(int x, int y, int z)
    {
        SemanticVersion Make(int s) => V($"{Math.Abs(s % 3)}.{Math.Abs(s / 3 % 3)}.0" + (s % 2 == 0 ? "-" + Pre(s / 7) : ""));
        var (a, b, c) = (Make(x), Make(y), Make(z));
        var antisymmetric = Math.Sign(a.CompareTo(b)) == -Math.Sign(b.CompareTo(a));
        var transitive = !(a <= b && b <= c) || a <= c;
        return antisymmetric && transitive && a.CompareTo(a) == 0;
    }

    [Property(MaxTest = 300)]
    public bool Build_metadata_never_changes_precedence(NonNegativeInt a, int seed) =>
        V($"1.{a.Get}.0-{Pre(seed)}+build.{a.Get}").CompareTo(V($"1.{a.Get}.0-{Pre(seed)}")) == 0;

    [Fact]
    public void Release_ids_follow_precedence_so_one_version_is_published_once()
    {
        Assert.Equal(ReleaseRules.IdFor("p", V("1.2")), ReleaseRules.IdFor("p", V("1.2.0+b7")));
        Assert.NotEqual(ReleaseRules.IdFor("p", V("1.2.0")), ReleaseRules.IdFor("q", V("1.2.0")));
        Assert.NotEqual(ReleaseRules.IdFor("p", V("1.2.0")), ReleaseRules.IdFor("p", V("1.2.0-rc.1")));
        Assert.True(ReleaseRules.IsId(ReleaseRules.IdFor("p", V("1.2"))));
    }
}
