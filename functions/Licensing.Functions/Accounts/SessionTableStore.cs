using Azure.Data.Tables;
using Licensing.Domain.Accounts;
using Licensing.Domain.Common;
using Licensing.Domain.Portal;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Accounts;

/// <summary>
/// <c>sessions</c>: PartitionKey = hex SHA-256 of the session token, RowKey = "": the session id, account, created and
/// expiry. <c>signintokens</c>: PartitionKey = hex SHA-256 of the one-time token, RowKey = "": what it is for (sign-up or
/// sign-in), the address, the name or the account, created and expiry. Neither holds a token.
/// Customer portal sessions and links (docs/portal.md) also name the customer's address, and are indexed for erasure in
/// <c>sessions</c> under PartitionKey <c>customer-{account}-{hash of the address}</c>, RowKey <c>session-{hash}</c> or
/// <c>link-{hash}</c>; the index row is written first, so erasure finds every row that holds the address.
/// </summary>
public sealed class SessionTableStore(TableStorage tables) : ISessionStore, ISignInTokenStore
{
    private const string SessionIndex = "session-";
    private const string LinkIndex = "link-";

    private TableClient Sessions => tables.Table(TableStorage.SessionsTable);
    private TableClient Tokens => tables.Table(TableStorage.SignInTokensTable);

    public async Task AddAsync(Session session, string tokenHash, CancellationToken ct)
    {
        if (session.CustomerEmail is { } customer) await IndexAsync(session.AccountId, customer, SessionIndex + tokenHash, session.ExpiresAt, ct);
        await AddNewAsync(Sessions, new TableEntity(tokenHash, "")
        {
            ["SessionId"] = session.Id,
            ["AccountId"] = session.AccountId,
            ["CreatedAt"] = session.CreatedAt,
            ["ExpiresAt"] = session.ExpiresAt,
            ["CustomerEmail"] = session.CustomerEmail,
        }, ct);
    }

    public async Task<Session?> GetAsync(string tokenHash, CancellationToken ct) =>
        await Sessions.GetIfExistsAsync(tokenHash, "", ct) is { } e
            ? new Session(e.GetString("SessionId"), e.GetString("AccountId"), e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
                e.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MinValue)
            { CustomerEmail = e.GetString("CustomerEmail") }
            : null;

    public Task DeleteAsync(string tokenHash, CancellationToken ct) => Sessions.DeleteIfExistsAsync(tokenHash, "", ct);

    public async Task AddAsync(SignInToken token, string tokenHash, CancellationToken ct)
    {
        if (token.Purpose == PortalTokens.Purpose) await IndexAsync(token.AccountId!, token.Email, LinkIndex + tokenHash, token.ExpiresAt, ct);
        await AddNewAsync(Tokens, new TableEntity(tokenHash, "")
        {
            ["Purpose"] = token.Purpose,
            ["Email"] = token.Email,
            ["Name"] = token.Name,
            ["AccountId"] = token.AccountId,
            ["CreatedAt"] = token.CreatedAt,
            ["ExpiresAt"] = token.ExpiresAt,
        }, ct);
    }

    /// <summary>
    /// Customer erasure: deletes the customer's portal sessions and unused links in the account, then their index rows;
    /// returns the index rows handled.
    /// </summary>
    public async Task<int> EraseCustomerAsync(string accountId, string email, CancellationToken ct)
    {
        var partition = CustomerPartition(accountId, email);
        var rows = await Sessions.QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), e => e.RowKey, ct);
        foreach (var row in rows)
        {
            if (row.StartsWith(SessionIndex, StringComparison.Ordinal)) await Sessions.DeleteIfExistsAsync(row[SessionIndex.Length..], "", ct);
            else if (row.StartsWith(LinkIndex, StringComparison.Ordinal)) await Tokens.DeleteIfExistsAsync(row[LinkIndex.Length..], "", ct);
            await Sessions.DeleteIfExistsAsync(partition, row, ct);
        }
        return rows.Count;
    }

    /// <summary>An index row expires with what it points at, so the pruning timer removes both.</summary>
    private Task IndexAsync(string accountId, string email, string row, DateTimeOffset expiresAt, CancellationToken ct) =>
        Sessions.UpsertAsync(new TableEntity(CustomerPartition(accountId, email), row) { ["ExpiresAt"] = expiresAt }, ct);

    /// <summary>Deletes up to <paramref name="max"/> sessions (and portal index rows) that expired before <paramref name="now"/> (the pruning timer).</summary>
    public Task<int> DeleteExpiredSessionsAsync(DateTimeOffset now, int max, CancellationToken ct) =>
        Sessions.DeleteMatchingAsync(TableClient.CreateQueryFilter($"ExpiresAt lt {now}"), max, ct);

    /// <summary>Deletes up to <paramref name="max"/> sign-in tokens that expired before <paramref name="now"/> (the pruning timer).</summary>
    public Task<int> DeleteExpiredTokensAsync(DateTimeOffset now, int max, CancellationToken ct) =>
        Tokens.DeleteMatchingAsync(TableClient.CreateQueryFilter($"ExpiresAt lt {now}"), max, ct);

    private static string CustomerPartition(string accountId, string email) => $"customer-{accountId}-{BearerTokens.Hash(EmailAddress.LookupKey(email))}";

    async Task<SignInToken?> ISignInTokenStore.GetAsync(string tokenHash, CancellationToken ct) =>
        await Tokens.GetIfExistsAsync(tokenHash, "", ct) is { } e
            ? new SignInToken(e.GetString("Purpose"), e.GetString("Email"), e.GetString("Name"), e.GetString("AccountId"),
                e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue, e.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MinValue)
            { Version = e.ETag.ToString() }
            : null;

    public Task<bool> DeleteAsync(string tokenHash, string version, CancellationToken ct) => Tokens.DeleteIfExistsAsync(tokenHash, "", version, ct);

    /// <summary>Adds an entity keyed by a fresh secret's hash: taken keys mean two 256-bit secrets collided, which is a bug.</summary>
    private static async Task AddNewAsync(TableClient table, TableEntity entity, CancellationToken ct)
    {
        if (await table.AddIfAbsentAsync(entity, ct) is null) throw new InvalidOperationException($"a secret's hash collided in {table.Name}");
    }
}
