using Azure.Data.Tables;
using Licensing.Domain.Accounts;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Accounts;

/// <summary>
/// <c>sessions</c>: PartitionKey = hex SHA-256 of the session token, RowKey = "": the session id, account, created and
/// expiry. <c>signintokens</c>: PartitionKey = hex SHA-256 of the one-time token, RowKey = "": what it is for (sign-up or
/// sign-in), the address, the name or the account, created and expiry. Neither holds a token.
/// </summary>
public sealed class SessionTableStore(TableStorage tables) : ISessionStore, ISignInTokenStore
{
    private TableClient Sessions => tables.Table(TableStorage.SessionsTable);
    private TableClient Tokens => tables.Table(TableStorage.SignInTokensTable);

    public Task AddAsync(Session session, string tokenHash, CancellationToken ct) =>
        AddNewAsync(Sessions, new TableEntity(tokenHash, "")
        {
            ["SessionId"] = session.Id,
            ["AccountId"] = session.AccountId,
            ["CreatedAt"] = session.CreatedAt,
            ["ExpiresAt"] = session.ExpiresAt,
        }, ct);

    public async Task<Session?> GetAsync(string tokenHash, CancellationToken ct) =>
        await Sessions.GetIfExistsAsync(tokenHash, "", ct) is { } e
            ? new Session(e.GetString("SessionId"), e.GetString("AccountId"), e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
                e.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MinValue)
            : null;

    public Task DeleteAsync(string tokenHash, CancellationToken ct) => Sessions.DeleteIfExistsAsync(tokenHash, "", ct);

    public Task AddAsync(SignInToken token, string tokenHash, CancellationToken ct) =>
        AddNewAsync(Tokens, new TableEntity(tokenHash, "")
        {
            ["Purpose"] = token.Purpose,
            ["Email"] = token.Email,
            ["Name"] = token.Name,
            ["AccountId"] = token.AccountId,
            ["CreatedAt"] = token.CreatedAt,
            ["ExpiresAt"] = token.ExpiresAt,
        }, ct);

    async Task<SignInToken?> ISignInTokenStore.GetAsync(string tokenHash, CancellationToken ct) =>
        await Tokens.GetIfExistsAsync(tokenHash, "", ct) is { } e
            ? new SignInToken(e.GetString("Purpose"), e.GetString("Email"), e.GetString("Name"), e.GetString("AccountId"),
                e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue, e.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MinValue)
            { Version = e.ETag.ToString() }
            : null;

    public Task<bool> DeleteAsync(string tokenHash, string version, CancellationToken ct) => Tokens.DeleteIfExistsAsync(tokenHash, "", version, ct);

    /// <summary>Deletes up to <paramref name="max"/> sessions that expired before <paramref name="now"/> (the pruning timer).</summary>
    public Task<int> DeleteExpiredSessionsAsync(DateTimeOffset now, int max, CancellationToken ct) =>
        Sessions.DeleteMatchingAsync(TableClient.CreateQueryFilter($"ExpiresAt lt {now}"), max, ct);

    /// <summary>Deletes up to <paramref name="max"/> sign-in tokens that expired before <paramref name="now"/> (the pruning timer).</summary>
    public Task<int> DeleteExpiredTokensAsync(DateTimeOffset now, int max, CancellationToken ct) =>
        Tokens.DeleteMatchingAsync(TableClient.CreateQueryFilter($"ExpiresAt lt {now}"), max, ct);

    /// <summary>Adds an entity keyed by a fresh secret's hash: taken keys mean two 256-bit secrets collided, which is a bug.</summary>
    private static async Task AddNewAsync(TableClient table, TableEntity entity, CancellationToken ct)
    {
        if (await table.AddIfAbsentAsync(entity, ct) is null) throw new InvalidOperationException($"a secret's hash collided in {table.Name}");
    }
}
