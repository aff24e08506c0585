using System.Globalization;
using Licensing.Domain.Common;
using Microsoft.AspNetCore.Http;

namespace Licensing.Functions.Http;

/// <summary>Query-string filters of the list endpoints: each given at most once, every bad one reported at once.</summary>
public static class QueryParameters
{
    /// <summary>The parameter's value (null when absent or empty); given twice is an error naming it.</summary>
    public static string? Single(IQueryCollection query, string name, FieldErrors errors)
    {
        var values = query[name];
        if (values.Count > 1) errors.Add(name, "give it at most once");
        var value = values.Count == 0 ? null : values[0];
        return string.IsNullOrEmpty(value) ? null : value;
    }

    /// <summary>The page size in <c>limit</c>: <paramref name="defaultSize"/> when absent, else 1-<paramref name="max"/>.</summary>
    public static int Limit(IQueryCollection query, int defaultSize, int max, FieldErrors errors)
    {
        var text = Single(query, "limit", errors);
        if (text is null) return defaultSize;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit >= 1 && limit <= max) return limit;
        errors.Add("limit", $"must be 1-{max}");
        return defaultSize;
    }
}
