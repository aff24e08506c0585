using System.Net;
using Licensing.Tests.Support;

namespace Licensing.Tests.Products;

public sealed class AccountAndProductApiTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private TestHost Host => shared.Host;

    [Fact]
    public async Task Admin_creates_an_account_whose_key_works_once_shown()
    {
        var r = await Host.PostAsync("v1/accounts", new { name = "Acme", email = "founder@acme.example" }, TestHost.AdminKey);
        Assert.Equal(HttpStatusCode.Created, r.Status);
        var key = r.Json.GetProperty("apiKey").GetString()!;
        Assert.StartsWith("lsk_", key);
        Assert.StartsWith("acct_", r.Json.GetProperty("accountId").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await Host.GetAsync("v1/products/nothing-yet", key)).Status);
    }

    [Fact]
    public async Task Admin_endpoint_refuses_missing_wrong_and_account_keys()
    {
        var body = new { name = "Acme", email = "founder@acme.example" };
        (await Host.PostAsync("v1/accounts", body)).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        (await Host.PostAsync("v1/accounts", body, "wrong")).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        var (_, accountKey) = await Host.CreateAccountAsync();
        (await Host.PostAsync("v1/accounts", body, accountKey)).AssertProblem(HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    [Theory]
    [InlineData("{\"name\":\"A\",\"email\":\"nope\"}", "email")]
    [InlineData("{\"email\":\"a@b.com\"}", "name")]
    [InlineData("{\"name\":5,\"email\":\"a@b.com\"}", "name")]
    public async Task Account_bad_input_is_a_validation_problem(string body, string field)
    {
        var json = (await Host.SendAsync(HttpMethod.Post, "v1/accounts", bearer: TestHost.AdminKey, rawBody: body))
            .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(json.GetProperty("errors").TryGetProperty(field, out _), json.ToString());
    }

    [Fact]
    public async Task Account_endpoints_need_a_valid_account_key()
    {
        (await Host.GetAsync("v1/products/x")).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        (await Host.GetAsync("v1/products/x", "lsk_not-a-real-key")).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        (await Host.GetAsync("v1/products/x", TestHost.AdminKey)).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        var r = await Host.GetAsync("v1/licenses", "lsk_x");
        Assert.Equal("Bearer", r.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Put_creates_then_updates_and_get_returns_the_product()
    {
        var (_, key) = await Host.CreateAccountAsync();
        var created = await Host.PutAsync("v1/products/my-plugin", TestHost.SampleProduct, key);
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(3, created.Json.GetProperty("plans").GetArrayLength());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, created.Json.GetProperty("plans")[1].GetProperty("maxActivations").ValueKind);

        var updated = await Host.PutAsync("v1/products/my-plugin",
            new { name = "Renamed", plans = new[] { new { id = "pro", model = "perpetual", maxActivations = 2 } } }, key);
        Assert.Equal(HttpStatusCode.OK, updated.Status);

        var got = await Host.GetAsync("v1/products/my-plugin", key);
        Assert.Equal(HttpStatusCode.OK, got.Status);
        Assert.Equal("Renamed", got.Json.GetProperty("name").GetString());
        Assert.Equal("perpetual", got.Json.GetProperty("plans")[0].GetProperty("model").GetString());
        Assert.Equal(created.Json.GetProperty("createdAt").GetString(), got.Json.GetProperty("createdAt").GetString());
    }

    [Fact]
    public async Task Another_accounts_product_is_not_found()
    {
        var owner = await Host.CreateAccountWithProductAsync();
        var (_, other) = await Host.CreateAccountAsync();
        (await Host.GetAsync("v1/products/my-plugin", other)).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Equal(HttpStatusCode.OK, (await Host.GetAsync("v1/products/my-plugin", owner)).Status);
    }

    [Theory]
    [InlineData("Bad_Id", "{\"name\":\"P\",\"plans\":[{\"id\":\"a\",\"model\":\"perpetual\"}]}", "productId")]
    [InlineData("p", "{\"name\":\"P\",\"plans\":[{\"id\":\"a\",\"model\":\"weekly\"}]}", "plans[0].model")]
    [InlineData("p", "{\"name\":\"P\",\"plans\":[{\"id\":\"a\",\"model\":\"subscription\",\"durationDays\":\"365\"}]}", "plans[0].durationDays")]
    [InlineData("p", "{\"name\":\"P\",\"plans\":\"pro\"}", "plans")]
    [InlineData("p", "{\"name\":\"P\"}", "plans")]
    public async Task Product_bad_input_is_refused_and_stores_nothing(string id, string body, string field)
    {
        var (_, key) = await Host.CreateAccountAsync();
        var json = (await Host.SendAsync(HttpMethod.Put, $"v1/products/{id}", bearer: key, rawBody: body))
            .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(json.GetProperty("errors").TryGetProperty(field, out _), json.ToString());
        if (id == "p") (await Host.GetAsync("v1/products/p", key)).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Theory]
    [InlineData("{\"name\":")]
    [InlineData("[1,2]")]
    [InlineData("")]
    [InlineData("{\"name\":\"a\",}")]
    public async Task Malformed_json_is_invalid_json(string body)
    {
        var (_, key) = await Host.CreateAccountAsync();
        (await Host.SendAsync(HttpMethod.Put, "v1/products/p", bearer: key, rawBody: body)).AssertProblem(HttpStatusCode.BadRequest, "INVALID_JSON");
        (await Host.GetAsync("v1/products/p", key)).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Bodies_over_64_KiB_are_refused_with_413()
    {
        var (_, key) = await Host.CreateAccountAsync();
        var big = "{\"name\":\"" + new string('a', 64 * 1024) + "\",\"plans\":[]}";
        (await Host.SendAsync(HttpMethod.Put, "v1/products/p", bearer: key, rawBody: big))
            .AssertProblem(HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE");
        (await Host.SendAsync(HttpMethod.Post, "v1/validate", rawBody: "{\"key\":\"" + new string('a', 70_000) + "\"}"))
            .AssertProblem(HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE");
        (await Host.GetAsync("v1/products/p", key)).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Unknown_routes_are_a_not_found_problem()
    {
        (await Host.GetAsync("v1/nothing-here")).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
    }
}
