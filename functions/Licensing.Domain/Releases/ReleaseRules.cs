using System.Security.Cryptography;
using System.Text;
using Licensing.Domain.Common;
using Licensing.Domain.Products;

namespace Licensing.Domain.Releases;

/// <summary>The body of <c>POST /v1/products/{productId}/releases</c> as parsed, before validation.</summary>
public sealed record PublishReleaseInput(string? Version, string? Channel, string? Changelog, string? RequiresWp, string? TestedWp, string? RequiresPhp,
    DateTimeOffset? ReleasedAt);

/// <summary>Release rules: what a release may hold, its id, and which release a build is offered.</summary>
public static class ReleaseRules
{
    public const int MaxChangelogLength = 20_000;
    public const int MaxRequirementLength = 20;
    public const long MaxPackageBytes = 100L * 1024 * 1024;
    public const string IdPrefix = "rel_";

    public sealed record Validated(SemanticVersion Version, ReleaseChannel Channel, string Changelog, string? RequiresWp, string? TestedWp,
        string? RequiresPhp, DateTimeOffset? ReleasedAt);

    public static Validated Validate(string productId, PublishReleaseInput input)
    {
        var errors = new FieldErrors();
        if (!Naming.IsSlug(productId)) errors.Add("productId", "must be 1-64 characters of a-z, 0-9 and '-'");
        var version = VersionField(input.Version, "version", errors, required: true);
        var channel = input.Channel is null ? ReleaseChannel.Stable : ReleaseChannels.Parse(input.Channel);
        if (channel is null) errors.Add("channel", "must be stable or beta");
        var changelog = input.Changelog ?? "";
        if (changelog.Length > MaxChangelogLength) errors.Add("changelog", $"at most {MaxChangelogLength} characters");
        var requiresWp = Requirement(input.RequiresWp, "requiresWp", errors);
        var testedWp = Requirement(input.TestedWp, "testedWp", errors);
        var requiresPhp = Requirement(input.RequiresPhp, "requiresPhp", errors);
        if (input.ReleasedAt is { } at && (at.Year < 2000 || at.Year > 9000)) errors.Add("releasedAt", "must be a date between 2000 and 9000");
        errors.ThrowIfAny();
        return new Validated(version!, channel!.Value, changelog, requiresWp, testedWp, requiresPhp, input.ReleasedAt);
    }

    /// <summary>A version field (release or the build asking): SemVer, or 1-2 numeric parts read as x.y.0.</summary>
    public static SemanticVersion? VersionField(string? value, string field, FieldErrors errors, bool required)
    {
        if (value is null)
        {
            if (required) errors.Add(field, "is required");
            return null;
        }
        var version = SemanticVersion.TryParse(value.Trim());
        if (version is null) errors.Add(field, $"must be a version such as 1.4.2 or 2.0.0-beta.1 (SemVer, at most {SemanticVersion.MaxLength} characters)");
        return version;
    }

    /// <summary>
    /// The id of a product's release of this version: versions of equal precedence (<c>1.2</c>, <c>1.2.0</c>,
    /// <c>1.2.0+b7</c>) share it, so publishing one twice is a conflict under any concurrency.
    /// </summary>
    public static string IdFor(string productId, SemanticVersion version) =>
        IdPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(productId + "\n" + version.Precedence)))[..24];

    public static bool IsId(string? value) =>
        value is { Length: 28 } && value.StartsWith(IdPrefix, StringComparison.Ordinal) && value[4..].All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    /// <summary>
    /// What a build on <paramref name="channel"/> is offered: the newest uploaded release above <paramref name="current"/>;
    /// <c>stable</c> sees stable releases only, <c>beta</c> the newest of beta and stable. Null when nothing is newer.
    /// </summary>
    public static Release? Offer(IEnumerable<Release> releases, ReleaseChannel channel, SemanticVersion? current) =>
        Newest(releases, channel) is { } newest && (current is null || newest.Version > current) ? newest : null;

    /// <summary>The newest uploaded release the channel sees, whatever the build runs.</summary>
    public static Release? Newest(IEnumerable<Release> releases, ReleaseChannel channel) =>
        releases.Where(r => r.PackageUploaded && (channel == ReleaseChannel.Beta || r.Channel == ReleaseChannel.Stable))
            .MaxBy(r => r.Version);

    private static string? Requirement(string? value, string field, FieldErrors errors)
    {
        if (value is null) return null;
        var v = value.Trim();
        if (v.Length is 0 or > MaxRequirementLength || v.Any(c => !(char.IsAsciiDigit(c) || c == '.')))
            errors.Add(field, $"must be a version number such as 6.4 (digits and dots, at most {MaxRequirementLength} characters)");
        return v;
    }
}
