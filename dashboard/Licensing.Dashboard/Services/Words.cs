using System.Globalization;

namespace Licensing.Dashboard.Services;

/// <summary>Counts in words: "1 address", "2 addresses", "0 addresses" (English plural rules: only one is singular).</summary>
public static class Words
{
    public static string Count(long n, string one, string many) =>
        n.ToString(CultureInfo.InvariantCulture) + " " + (n is 1 or -1 ? one : many);
}
