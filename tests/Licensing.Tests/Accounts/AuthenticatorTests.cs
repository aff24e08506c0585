using System.Collections.Concurrent;
using Licensing.Domain.Accounts;
using Licensing.Domain.Audit;
using Licensing.Tests.Support;

namespace Licensing.Tests.Accounts;

/// <summary>The credential lookup without any emulator: what is read, what is cached and for how long.</summary>
public sealed class AuthenticatorTests
{
    private sealed class Keys : IApiKeyStore
    {
        public readonly ConcurrentDictionary<string, ApiKey> ByHash = new();
        public int Reads;
        public Task AddAsync(ApiKey key, string keyHash, CancellationToken ct) => Task.FromResult(ByHash[keyHash] = key);
        public Task<ApiKey?> GetByHashAsync(string keyHash, CancellationToken ct)
        {
            Interlocked.Increment(ref Reads);
            return Task.FromResult(ByHash.GetValueOrDefault(keyHash));
        }
        public Task<IReadOnlyList<ApiKey>> ListAsync(string accountId, CancellationToken ct) => throw new NotSupportedException();
        public Task<string?> DeleteAsync(string accountId, string keyId, CancellationToken ct) => throw new NotSupportedException();
        public Task ReplaceLastUsedAsync(string accountId, string keyId, DateTimeOffset at, CancellationToken ct) => Task.CompletedTask;
        public Task AddRecordAsync(ApiKey key, string keyHash, CancellationToken ct) => Task.CompletedTask;
    }

    private sealed class Sessions : ISessionStore
    {
        public readonly ConcurrentDictionary<string, Session> ByHash = new();
        public int Reads;
        public Task AddAsync(Session session, string tokenHash, CancellationToken ct) => Task.FromResult(ByHash[tokenHash] = session);
        public Task<Session?> GetAsync(string tokenHash, CancellationToken ct)
        {
            Interlocked.Increment(ref Reads);
            return Task.FromResult(ByHash.GetValueOrDefault(tokenHash));
        }
        public Task DeleteAsync(string tokenHash, CancellationToken ct) => Task.FromResult(ByHash.TryRemove(tokenHash, out _));
    }

    [Fact]
    public async Task A_key_lookup_is_reused_for_the_cache_bound_and_forgotten_on_revoke()
    {
        var clock = new TestClock();
        var keys = new Keys();
        var authenticator = new Authenticator(keys, new Sessions(), clock, TimeSpan.FromSeconds(30));
        var secret = ApiKeys.NewKey();
        await keys.AddAsync(
            new ApiKey("key_0123456789abcdef", "acct_0000000000000001", "k", [Scopes.LicensesRead], ApiKeys.PrefixOf(secret), clock.GetUtcNow()),
            ApiKeys.Hash(secret), default);

        var credential = await authenticator.AuthenticateAsync(secret, default);
        Assert.Equal(new Actor(Actor.ApiKeyType, "key_0123456789abcdef"), credential!.Actor);
        Assert.True(credential.Allows(Scopes.LicensesRead));
        Assert.False(credential.Allows(Scopes.LicensesWrite));
        await authenticator.AuthenticateAsync(secret, default);
        Assert.Equal(1, keys.Reads);

        keys.ByHash.Clear(); // revoked on another instance
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.NotNull(await authenticator.AuthenticateAsync(secret, default));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await authenticator.AuthenticateAsync(secret, default));

        await keys.AddAsync(new ApiKey("key_0123456789abcdee", "acct_0000000000000001", "k", [Scopes.All], "lsk_live_x", clock.GetUtcNow()),
            ApiKeys.Hash(secret), default);
        authenticator.Forget(ApiKeys.Hash(secret)); // revoked (here: re-added) on this instance
        Assert.Equal("key_0123456789abcdee", (await authenticator.AuthenticateAsync(secret, default))!.Actor.Id);
    }

    [Fact]
    public async Task The_cache_bound_is_never_above_60_seconds_and_malformed_secrets_read_nothing()
    {
        var keys = new Keys();
        var sessions = new Sessions();
        var authenticator = new Authenticator(keys, sessions, new TestClock(), TimeSpan.FromMinutes(10));
        Assert.Equal(Authenticator.MaxKeyCacheTtl, authenticator.KeyCacheTtl);
        foreach (var secret in new[] { null, "", "lsk_", "lss_", "Bearer", "lsi_abc", "lsk_" + new string('a', 200) })
            Assert.Null(await authenticator.AuthenticateAsync(secret, default));
        Assert.Equal(0, keys.Reads);
        Assert.Equal(0, sessions.Reads);
    }

    [Fact]
    public async Task Sessions_are_read_every_time_have_every_scope_and_expire()
    {
        var clock = new TestClock();
        var sessions = new Sessions();
        var authenticator = new Authenticator(new Keys(), sessions, clock, TimeSpan.FromSeconds(30));
        var token = BearerTokens.New(SessionTokens.Prefix);
        await sessions.AddAsync(new Session("ses_0123456789abcdef", "acct_0000000000000001", clock.GetUtcNow(), clock.GetUtcNow().AddHours(24)),
            BearerTokens.Hash(token), default);

        var credential = await authenticator.AuthenticateAsync(token, default);
        Assert.Equal(Actor.Session("ses_0123456789abcdef"), credential!.Actor);
        Assert.All(Scopes.Known, s => Assert.True(credential.Allows(s)));
        await sessions.DeleteAsync(BearerTokens.Hash(token), default);
        Assert.Null(await authenticator.AuthenticateAsync(token, default)); // ended: refused at once, no cache
        Assert.Equal(2, sessions.Reads);

        await sessions.AddAsync(new Session("ses_0123456789abcdef", "acct_0000000000000001", clock.GetUtcNow(), clock.GetUtcNow().AddHours(24)),
            BearerTokens.Hash(token), default);
        clock.Advance(TimeSpan.FromHours(24));
        Assert.Null(await authenticator.AuthenticateAsync(token, default));
    }

    [Theory]
    [InlineData("http://127.0.0.1:7071/", "http://127.0.0.1:7071/signin?token=lsi_x")]
    [InlineData("https://app.example.com/dashboard", "https://app.example.com/dashboard/signin?token=lsi_x")]
    [InlineData("https://app.example.com/dashboard/", "https://app.example.com/dashboard/signin?token=lsi_x")]
    public void Sign_in_links_point_to_the_dashboards_sign_in_page(string dashboard, string link) =>
        Assert.Equal(link, SignInLinks.From(dashboard).For("lsi_x").ToString());
}
