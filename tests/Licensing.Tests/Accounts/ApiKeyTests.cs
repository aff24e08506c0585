using System.Net;
using Azure.Data.Tables;
using Licensing.Domain.Accounts;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.Accounts;

/// <summary>Named, scoped API keys: the list, validation, scope limits, revocation across instances, last use, keys issued before.</summary>
public sealed class ApiKeyTests
{
    [Fact]
    public async Task The_account_key_has_every_scope_and_is_listed_without_its_secret()
    {
        await using var host = await AccountTestKit.StartAsync();
        var (_, key) = await host.CreateAccountAsync();
        Assert.StartsWith(ApiKeys.LivePrefix, key);
        var (id, secret) = await AccountTestKit.CreateKeyAsync(host, key, "CI deploys", Scopes.LicensesWrite, Scopes.LicensesRead);

        var r = await host.GetAsync("v1/api-keys", key);
        Assert.DoesNotContain(key, r.Text);
        Assert.DoesNotContain(secret, r.Text);
        Assert.DoesNotContain(ApiKeys.Hash(key), r.Text);
        var items = r.Json.GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(2, items.Length);
        Assert.Equal(ApiKey.AccountKeyName, items[0].GetProperty("name").GetString());
        Assert.Equal([Scopes.All], items[0].GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(ApiKeys.PrefixOf(key), items[0].GetProperty("prefix").GetString());
        Assert.Equal(id, items[1].GetProperty("id").GetString());
        Assert.Equal("CI deploys", items[1].GetProperty("name").GetString());
        Assert.Equal([Scopes.LicensesWrite, Scopes.LicensesRead], items[1].GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(["createdAt", "id", "lastUsedAt", "name", "prefix", "scopes"], items[1].EnumerateObject().Select(p => p.Name).Order());
    }

    [Theory]
    [InlineData("{\"name\":\"k\",\"scopes\":[\"licenses:delete\"]}", "scopes[0]")]
    [InlineData("{\"name\":\"k\",\"scopes\":[\"licenses:read\",\"LICENSES:READ\"]}", "scopes[1]")]
    [InlineData("{\"name\":\"k\",\"scopes\":[]}", "scopes")]
    [InlineData("{\"name\":\"k\"}", "scopes")]
    [InlineData("{\"name\":\"k\",\"scopes\":\"*\"}", "scopes")]
    [InlineData("{\"scopes\":[\"*\"]}", "name")]
    [InlineData("{\"name\":\"k\",\"scopes\":[null]}", "scopes[0]")]
    public async Task Bad_key_requests_are_validation_problems_and_create_nothing(string body, string field)
    {
        await using var host = await AccountTestKit.StartAsync();
        var (_, key) = await host.CreateAccountAsync();
        var json = (await host.SendAsync(HttpMethod.Post, "v1/api-keys", bearer: key, rawBody: body))
            .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(json.GetProperty("errors").TryGetProperty(field, out _), json.ToString());
        Assert.Single(await AccountTestKit.ListKeysAsync(host, key));
    }

    [Fact]
    public async Task A_key_grants_only_scopes_it_holds_and_revokes_only_its_own_accounts_keys()
    {
        await using var host = await AccountTestKit.StartAsync();
        var (_, owner) = await host.CreateAccountAsync();
        var (_, keys) = await AccountTestKit.CreateKeyAsync(host, owner, "key admin", Scopes.ApiKeysWrite, Scopes.LicensesRead);
        (await host.PostAsync("v1/api-keys", new { name = "wider", scopes = new[] { Scopes.LicensesWrite } }, keys))
            .AssertProblem(HttpStatusCode.Forbidden, "FORBIDDEN");
        (await host.PostAsync("v1/api-keys", new { name = "all", scopes = new[] { Scopes.All } }, keys)).AssertProblem(HttpStatusCode.Forbidden, "FORBIDDEN");
        await AccountTestKit.CreateKeyAsync(host, keys, "narrower", Scopes.LicensesRead);
        Assert.Equal(3, (await AccountTestKit.ListKeysAsync(host, owner)).Length);

        var (_, other) = await host.CreateAccountAsync();
        var (otherId, otherSecret) = await AccountTestKit.CreateKeyAsync(host, other, "theirs", Scopes.LicensesRead);
        (await host.SendAsync(HttpMethod.Delete, $"v1/api-keys/{otherId}", bearer: owner)).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        (await host.SendAsync(HttpMethod.Delete, "v1/api-keys/not-an-id", bearer: owner)).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("v1/licenses", otherSecret)).Status);
    }

    [Fact]
    public async Task A_revoked_key_is_refused_at_once_where_revoked_and_within_the_cache_bound_elsewhere()
    {
        var clock = new TestClock();
        await using var revoking = await AccountTestKit.StartAsync(clock);
        await using var elsewhere = await AccountTestKit.StartAsync(clock);
        var (_, owner) = await revoking.CreateAccountAsync();
        var (id, key) = await AccountTestKit.CreateKeyAsync(revoking, owner, "leaked", Scopes.LicensesRead);
        Assert.Equal(HttpStatusCode.OK, (await elsewhere.GetAsync("v1/licenses", key)).Status); // now cached there
        Assert.Equal(HttpStatusCode.OK, (await revoking.GetAsync("v1/licenses", key)).Status);  // and here

        Assert.Equal(HttpStatusCode.NoContent, (await revoking.SendAsync(HttpMethod.Delete, $"v1/api-keys/{id}", bearer: owner)).Status);
        (await revoking.GetAsync("v1/licenses", key)).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Equal(HttpStatusCode.OK, (await elsewhere.GetAsync("v1/licenses", key)).Status); // within the bound...
        clock.Advance(TimeSpan.FromSeconds(30));
        (await elsewhere.GetAsync("v1/licenses", key)).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED"); // ...and no later
        Assert.DoesNotContain(await AccountTestKit.ListKeysAsync(revoking, owner), k => k.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task Last_use_is_recorded_in_the_background_at_most_once_per_interval()
    {
        // Whole seconds: the API shows timestamps to the millisecond.
        var clock = new TestClock(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        await using var host = await AccountTestKit.StartAsync(clock);
        var (_, owner) = await host.CreateAccountAsync();
        var (id, key) = await AccountTestKit.CreateKeyAsync(host, owner, "used", Scopes.LicensesRead);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await AccountTestKit.ListKeysAsync(host, owner)).Single(k => k.GetProperty("id").GetString() == id)
            .GetProperty("lastUsedAt").ValueKind);

        var firstUse = clock.GetUtcNow();
        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("v1/licenses", key)).Status);
        Assert.Equal(firstUse, await LastUsedAsync(host, owner, id, firstUse));

        clock.Advance(TimeSpan.FromMinutes(1));
        await host.GetAsync("v1/licenses", key); // inside the interval: no write
        var authenticator = host.Services.GetRequiredService<Authenticator>();
        await WaitForAsync(() =>
            Task.FromResult(authenticator.PendingWrites == 0 ? (System.Text.Json.JsonElement?)default(System.Text.Json.JsonElement) : null));
        Assert.Equal(firstUse, (await AccountTestKit.ListKeysAsync(host, owner)).Single(k => k.GetProperty("id").GetString() == id)
            .GetProperty("lastUsedAt").GetDateTimeOffset());
        clock.Advance(Authenticator.LastUsedInterval);
        var later = clock.GetUtcNow();
        await host.GetAsync("v1/licenses", key);
        Assert.Equal(later, await LastUsedAsync(host, owner, id, later));
    }

    [Fact]
    public async Task A_key_issued_before_key_records_keeps_working_gets_listed_and_can_be_revoked()
    {
        await using var host = await AccountTestKit.StartAsync();
        var (accountId, owner) = await host.CreateAccountAsync();
        // What the earlier version stored for an account's key: lsk_ + 32 random bytes, its hash and the account.
        var legacy = "lsk_" + Licensing.Domain.Common.Base64Url.Encode(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var hash = ApiKeys.Hash(legacy);
        await new TableClient(TestHost.Azurite, "apikeys").AddEntityAsync(new TableEntity(hash, "")
        {
            ["AccountId"] = accountId,
            ["CreatedAt"] = DateTimeOffset.UtcNow,
        });

        Assert.Equal(HttpStatusCode.Created, (await host.PutAsync("v1/products/my-plugin", TestHost.SampleProduct, legacy)).Status);
        var id = ApiKeys.IdFor(hash);
        var listed = await WaitForAsync(async () => (await AccountTestKit.ListKeysAsync(host, owner))
            .Where(k => k.GetProperty("id").GetString() == id).Select(k => (System.Text.Json.JsonElement?)k).FirstOrDefault());
        Assert.Equal(ApiKeys.PrefixOf(legacy), listed.GetProperty("prefix").GetString());
        Assert.Equal([Scopes.All], listed.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));

        Assert.Equal(HttpStatusCode.NoContent, (await host.SendAsync(HttpMethod.Delete, $"v1/api-keys/{id}", bearer: owner)).Status);
        (await host.GetAsync("v1/licenses", legacy)).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    private static async Task<DateTimeOffset> LastUsedAsync(TestHost host, string owner, string id, DateTimeOffset expected)
    {
        var item = await WaitForAsync(async () => (await AccountTestKit.ListKeysAsync(host, owner))
            .Where(k => k.GetProperty("id").GetString() == id && k.GetProperty("lastUsedAt").ValueKind == System.Text.Json.JsonValueKind.String
                && k.GetProperty("lastUsedAt").GetDateTimeOffset() >= expected)
            .Select(k => (System.Text.Json.JsonElement?)k).FirstOrDefault());
        return item.GetProperty("lastUsedAt").GetDateTimeOffset();
    }

    /// <summary>Polls until <paramref name="probe"/> finds something (a background write landed), for at most <see cref="Patience.Bound"/>.</summary>
    private static async Task<System.Text.Json.JsonElement> WaitForAsync(Func<Task<System.Text.Json.JsonElement?>> probe)
    {
        var until = Patience.Deadline;
        while (true)
        {
            if (await probe() is { } found) return found;
            Assert.True(DateTime.UtcNow < until, "the background write never landed");
            await Task.Delay(50);
        }
    }
}
