namespace Licensing.Domain.Accounts;

/// <summary>
/// What a one-time sign-in token stands for: signing in to <see cref="AccountId"/>, or (sign-up) creating an account for
/// <see cref="Email"/> named <see cref="Name"/>. <see cref="Version"/> is the stored entity's ETag.
/// </summary>
public sealed record SignInToken(string Purpose, string Email, string? Name, string? AccountId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt)
{
    public const string SignUp = "signup";
    public const string SignIn = "signin";

    public string? Version { get; init; }
}

/// <summary>One-time tokens by the hash of the token.</summary>
public interface ISignInTokenStore
{
    Task AddAsync(SignInToken token, string tokenHash, CancellationToken ct);

    Task<SignInToken?> GetAsync(string tokenHash, CancellationToken ct);

    /// <summary>Deletes the token only if it is unchanged since read: true for exactly one of any number of concurrent callers.</summary>
    Task<bool> DeleteAsync(string tokenHash, string version, CancellationToken ct);
}

public static class SignInTokenClaims
{
    /// <summary>
    /// Uses a one-time token of <paramref name="prefix"/>: its record when it is known and unexpired, else null. Of any
    /// number of concurrent claims of one token exactly one gets it (an ETag-conditional delete); a claim always uses it up.
    /// </summary>
    public static async Task<SignInToken?> ClaimAsync(this ISignInTokenStore tokens, string? token, string prefix, DateTimeOffset now, CancellationToken ct)
    {
        if (!BearerTokens.Looks(token, prefix)) return null;
        var hash = BearerTokens.Hash(token!);
        var stored = await tokens.GetAsync(hash, ct).ConfigureAwait(false);
        if (stored is null) return null;
        var claimed = await tokens.DeleteAsync(hash, stored.Version!, ct).ConfigureAwait(false);
        return claimed && stored.ExpiresAt > now ? stored : null;
    }
}
