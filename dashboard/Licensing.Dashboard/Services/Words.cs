using System.Globalization;

namespace Licensing.Dashboard.Services;

/// <summary>Words for people: counts ("1 address", "2 addresses") and the API's details as sentences.</summary>
public static class Words
{
    /// <summary>"1 address", "2 addresses", "0 addresses" (English plural rules: only one is singular).</summary>
    public static string Count(long n, string one, string many) =>
        n.ToString(CultureInfo.InvariantCulture) + " " + (n is 1 or -1 ? one : many);

    private static readonly System.Buffers.SearchValues<char> LowerWord = System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz-'");

    /// <summary>
    /// A problem's detail as a sentence: the API writes details as clauses ("the sign-in link was used already; ask for a new
    /// one"), a page shows them capitalised and ended. Only a first word of plain lower-case letters is raised: a field name
    /// (<c>maxActivations</c>) or an id (<c>lic_123</c>) keeps its spelling.
    /// </summary>
    public static string Sentence(string? detail)
    {
        var text = detail?.Trim();
        if (string.IsNullOrEmpty(text)) return "";
        var word = text.AsSpan(0, text.IndexOfAny([' ', ',', ';', ':']) is var end and >= 0 ? end : text.Length);
        if (!word.IsEmpty && char.IsLower(word[0]) && !word.ContainsAnyExcept(LowerWord)) text = char.ToUpperInvariant(text[0]) + text[1..];
        return text[^1] is '.' or '!' or '?' ? text : text + ".";
    }
}
