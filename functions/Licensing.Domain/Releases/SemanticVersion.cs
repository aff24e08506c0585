namespace Licensing.Domain.Releases;

/// <summary>
/// A version as SemVer 2.0.0 orders it: MAJOR.MINOR.PATCH, numerically; a pre-release (<c>-beta.2</c>) below its release,
/// its dot-separated identifiers compared numerically when both are numbers, else by ASCII, numbers below words, a longer
/// list above its prefix; build metadata (<c>+build.5</c>) ignored. WordPress-style versions with fewer parts are accepted
/// and read with the missing parts as 0 (<c>2.1</c> is <c>2.1.0</c>); the text is kept as given (<see cref="Text"/>).
/// </summary>
public sealed class SemanticVersion : IComparable<SemanticVersion>, IEquatable<SemanticVersion>
{
    public const int MaxLength = 64;

    private SemanticVersion(string text, long major, long minor, long patch, string[] preRelease)
    {
        Text = text;
        Major = major;
        Minor = minor;
        Patch = patch;
        PreRelease = preRelease;
    }

    /// <summary>The version as it was given (what is shown and sent back to clients).</summary>
    public string Text { get; }
    public long Major { get; }
    public long Minor { get; }
    public long Patch { get; }
    public IReadOnlyList<string> PreRelease { get; }
    public bool IsPreRelease => PreRelease.Count > 0;

    /// <summary>Everything precedence depends on, in one canonical text: <c>1.2.0-beta.1</c> for <c>1.2-beta.1+b7</c>.</summary>
    public string Precedence => $"{Major}.{Minor}.{Patch}" + (IsPreRelease ? "-" + string.Join('.', PreRelease) : "");

    public static SemanticVersion? TryParse(string? text)
    {
        if (text is null || text.Length is 0 or > MaxLength) return null;
        var plus = text.IndexOf('+');
        var core = plus < 0 ? text : text[..plus];
        if (plus >= 0 && !Identifiers(text[(plus + 1)..], numericRule: false, out _)) return null;
        var dash = core.IndexOf('-');
        var numbers = (dash < 0 ? core : core[..dash]).Split('.');
        string[] pre = [];
        if (dash >= 0 && !Identifiers(core[(dash + 1)..], numericRule: true, out pre)) return null;
        if (numbers.Length is < 1 or > 3) return null;
        var parts = new long[3];
        for (var i = 0; i < numbers.Length; i++)
            if (!Number(numbers[i], out parts[i])) return null;
        return new SemanticVersion(text, parts[0], parts[1], parts[2], pre);
    }

    public int CompareTo(SemanticVersion? other)
    {
        if (other is null) return 1;
        var c = Major.CompareTo(other.Major);
        if (c == 0) c = Minor.CompareTo(other.Minor);
        if (c == 0) c = Patch.CompareTo(other.Patch);
        if (c != 0) return c;
        if (!IsPreRelease || !other.IsPreRelease) return other.IsPreRelease.CompareTo(IsPreRelease);
        for (var i = 0; i < Math.Min(PreRelease.Count, other.PreRelease.Count); i++)
            if (CompareIdentifier(PreRelease[i], other.PreRelease[i]) is var d && d != 0) return d;
        return PreRelease.Count.CompareTo(other.PreRelease.Count);
    }

    public bool Equals(SemanticVersion? other) => other is not null && CompareTo(other) == 0;
    public override bool Equals(object? obj) => obj is SemanticVersion v && Equals(v);
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Precedence);
    public override string ToString() => Text;

    public static bool operator >(SemanticVersion a, SemanticVersion b) => a.CompareTo(b) > 0;
    public static bool operator <(SemanticVersion a, SemanticVersion b) => a.CompareTo(b) < 0;
    public static bool operator >=(SemanticVersion a, SemanticVersion b) => a.CompareTo(b) >= 0;
    public static bool operator <=(SemanticVersion a, SemanticVersion b) => a.CompareTo(b) <= 0;

    private static int CompareIdentifier(string a, string b)
    {
        var aNumber = long.TryParse(a, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var x);
        var bNumber = long.TryParse(b, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var y);
        if (aNumber && bNumber) return x.CompareTo(y);
        if (aNumber != bNumber) return aNumber ? -1 : 1;
        return Math.Sign(string.CompareOrdinal(a, b));
    }

    /// <summary>A number without leading zeros that fits (up to 15 digits).</summary>
    private static bool Number(string s, out long value)
    {
        value = 0;
        if (s.Length is 0 or > 15 || (s.Length > 1 && s[0] == '0')) return false;
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c)) return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }

    /// <summary>Dot-separated non-empty identifiers of [0-9A-Za-z-]; pre-release numbers without leading zeros.</summary>
    private static bool Identifiers(string s, bool numericRule, out string[] identifiers)
    {
        identifiers = s.Split('.');
        foreach (var id in identifiers)
        {
            if (id.Length == 0 || id.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '-'))) return false;
            if (numericRule && id.All(char.IsAsciiDigit) && !Number(id, out _)) return false;
        }
        return true;
    }
}
