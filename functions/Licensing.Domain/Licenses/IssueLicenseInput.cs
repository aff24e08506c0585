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

    /// <summary>
    /// Issue the license as a trial (docs/trials.md); only the trial route sets it. Not part of the idempotency hash
    /// of <c>POST /v1/licenses</c> (which never sets it), so stored request hashes stay valid.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Trial { get; init; }
}

