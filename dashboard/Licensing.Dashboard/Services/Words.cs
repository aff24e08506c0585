using System.Globalization;
using Licensing.Management;

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

    /// <summary>"a", "a and b", "a, b and c".</summary>
    public static string List(IReadOnlyList<string> items) =>
        items.Count <= 1 ? string.Concat(items) : string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1];

    /// <summary>
    /// A sharing signal with nothing suspected, as a sentence: the sites, the development hosts (free, so named apart and only when
    /// there are some) and the addresses its window's validations came from; a window without validations says so.
    /// </summary>
    public static string NoSharing(SharingSignal sharing) =>
        sharing is { DistinctDomains: 0, DistinctDevelopmentHosts: 0, DistinctAddresses: 0 }
            ? $"No sign of sharing: no validation in the last {Count(sharing.WindowHours, "hour", "hours")}."
            : $"No sign of sharing: {List([.. Places(sharing, names: false), Count(sharing.DistinctAddresses, "address", "addresses")])}"
                + $" in the last {Count(sharing.WindowHours, "hour", "hours")}.";

    /// <summary>What a suspected signal saw, every site and development host named: "4 sites (a, b, c, d) from 9 addresses".</summary>
    public static string SharingSeen(SharingSignal sharing) =>
        $"{List(Places(sharing, names: true))} from {Count(sharing.DistinctAddresses, "address", "addresses")}";

    /// <summary>The sites, and the development hosts when there are some; names of the sites if asked, of development hosts if asked or few.</summary>
    private static List<string> Places(SharingSignal sharing, bool names)
    {
        List<string> places = [Count(sharing.DistinctDomains, "site", "sites") + Named(sharing.Domains, names)];
        if (sharing.DistinctDevelopmentHosts > 0)
            places.Add(Count(sharing.DistinctDevelopmentHosts, "development host", "development hosts")
                + Named(sharing.DevelopmentHosts, names || sharing.DevelopmentHosts.Count <= 3));
        return places;
    }

    private static string Named(IReadOnlyList<string> names, bool show) => show && names.Count > 0 ? $" ({string.Join(", ", names)})" : "";
}
