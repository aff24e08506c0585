namespace Licensing.Domain.Releases;

public enum ReleaseChannel { Stable, Beta }

/// <summary>
/// A published version of a product. It is offered to licensed builds once its package is uploaded and verified
/// (<see cref="PackageUploaded"/>); the package itself lives in blob storage under <see cref="PackageName"/>.
/// </summary>
public sealed record Release
{
    public required string AccountId { get; init; }
    public required string ProductId { get; init; }
    public required string Id { get; init; }
    public required SemanticVersion Version { get; init; }
    public required ReleaseChannel Channel { get; init; }
    /// <summary>Markdown source (docs/releases.md names the subset); shown as HTML through <see cref="ChangelogMarkdown"/>.</summary>
    public required string Changelog { get; init; }
    public string? RequiresWp { get; init; }
    public string? TestedWp { get; init; }
    public string? RequiresPhp { get; init; }
    public required DateTimeOffset ReleasedAt { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public bool PackageUploaded { get; init; }
    public long? PackageSize { get; init; }
    /// <summary>Lower-case hex SHA-256 of the package, computed from the blob when it was marked uploaded.</summary>
    public string? PackageSha256 { get; init; }

    /// <summary>The blob's name in the packages container: one per release, never reused.</summary>
    public string PackageName => $"{AccountId}/{ProductId}/{Id}.zip";
}

public static class ReleaseChannels
{
    public static string ToWire(this ReleaseChannel channel) => channel == ReleaseChannel.Beta ? "beta" : "stable";

    public static ReleaseChannel? Parse(string? value) => value switch
    {
        "stable" => ReleaseChannel.Stable,
        "beta" => ReleaseChannel.Beta,
        _ => null,
    };
}
