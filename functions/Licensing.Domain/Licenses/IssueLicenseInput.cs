namespace Licensing.Domain.Licenses;

/// <summary>The body of <c>POST /v1/licenses</c> as parsed from JSON, before validation.</summary>
public sealed record IssueLicenseInput(
    string? ProductId,
    string? CustomerEmail,
    IReadOnlyList<string?>? Domains,
    string? Plan,
    IReadOnlyList<string?>? Features,
    DateTimeOffset? ExpiresAt,
    int? MaxActivations,
    IReadOnlyDictionary<string, string?>? Metadata,
    bool Test = false)
{
    /// <summary>The customer's e-mail is not known yet (a marketplace sale): an empty <see cref="CustomerEmail"/> is allowed.</summary>
    public bool EmailLater { get; init; }
}

