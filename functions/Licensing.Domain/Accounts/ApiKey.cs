namespace Licensing.Domain.Accounts;

/// <summary>
/// One account API key as the key list shows it: never the secret, never its hash. <see cref="Prefix"/> is the start of
/// the key (<c>lsk_live_AbCd</c>) so its owner can recognise it.
/// </summary>
public sealed record ApiKey(
    string Id,
    string AccountId,
    string Name,
    IReadOnlyList<string> Scopes,
    string Prefix,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastUsedAt = null)
{
    /// <summary>The name a key made with its account gets.</summary>
    public const string AccountKeyName = "Account key";

    /// <summary>
    /// True for a key issued before keys had records (only its hash and account were stored): it has every scope, an id
    /// derived from its hash, and gets its record on first use (<see cref="IApiKeyStore.AddRecordAsync"/>).
    /// </summary>
    public bool Legacy { get; init; }
}
