namespace Licensing.Domain.Validation;

/// <summary>A validation request after parsing: the domain is already normalised (or null).</summary>
public sealed record ValidationRequest(string Key, string? Domain, string? Fingerprint, IReadOnlyList<string> Features, string? ProductId)
{
    /// <summary>The release date of the build asking (perpetual licenses: is it covered by the update entitlement?).</summary>
    public DateTimeOffset? ReleaseDate { get; init; }

    /// <summary>The version of the build asking; resolved to a release date through the product's releases.</summary>
    public string? Version { get; init; }
}

/// <summary>What validation knows about metered use: the total so far in the current period and the plan's limit.</summary>
public sealed record UsageState(long Used, long Limit);
