using Licensing.Domain.Common;
using Licensing.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace Licensing.Functions.Http;

/// <summary>
/// Continuation tokens handed to callers are sealed (<see cref="SealedTokens"/>): storage's own token, followed by an
/// HMAC-SHA256 over it and the listing it continues (the account and every filter). A token that was altered, or that is
/// brought to another account or another filter, is refused with 400 rather than passed to storage. Rotating the admin
/// key ends the listings in progress, nothing else.
/// </summary>
public sealed class ContinuationTokens(IOptions<LicensingOptions> options)
{
    private readonly SealedTokens _seal = new(options.Value.AdminKey, "licensing continuation tokens v1");

    /// <summary>What a token is bound to: the listing's name, the account and each filter, in a fixed order.</summary>
    public static string Scope(string listing, string accountId, params string?[] filters) =>
        string.Join('\n', new[] { listing, accountId }.Concat(filters.Select(f => f is null ? "-" : "=" + f)));

    public string? Seal(string? storageToken, string scope) => storageToken is null ? null : _seal.Seal(storageToken, scope);

    /// <summary>Storage's token inside <paramref name="token"/>; 400 VALIDATION_FAILED when it is not one this listing issued.</summary>
    public string? Open(string? token, string scope) =>
        token is null ? null
            : _seal.Open(token, scope) ?? throw ValidationFailedException.For("continuationToken",
                "is not a token this listing returned (it was changed, or belongs to other filters)");
}
