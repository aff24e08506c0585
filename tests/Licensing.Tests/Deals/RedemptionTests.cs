using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Licensing.Domain.Deals;
using Licensing.Tests.Support;

namespace Licensing.Tests.Deals;

/// <summary>
/// Redemption codes belong to an account (import, redeem and refund look inside that account only), and redemption
/// never answers 5xx, however many requests race on one code or one customer's license.
/// </summary>
public sealed class RedemptionTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private TestHost Host => shared.Host;

    private static object DealProduct(int maxStackedCodes = 2) => new
    {
        name = "Deal App",
        plans = new object[]
        {
            new { id = "ltd", name = "Lifetime tier 1", model = "lifetime", maxActivations = 2, features = new[] { "core" }, maxStackedCodes },
            new { id = "ltd2", name = "Lifetime tier 2", model = "lifetime", maxActivations = 5, features = new[] { "core" } },
        },
    };

    private async Task<(string AccountId, string ApiKey)> SellerAsync(string tier = "business", int maxStackedCodes = 2)
    {
        await Smtp4dev.RequireAsync();
        var account = await Host.CreateAccountAsync(tier: tier);
        var r = await Host.PutAsync("v1/products/app", DealProduct(maxStackedCodes), account.ApiKey);
        Assert.True(r.Status == HttpStatusCode.Created, r.Text);
        return account;
    }

    private async Task<JsonElement> BatchAsync(string apiKey, object body)
    {
        var r = await Host.PostAsync("v1/products/app/code-batches", body, apiKey);
        Assert.True(r.Status == HttpStatusCode.Created, r.Text);
        return r.Json;
    }

    private async Task<string[]> GenerateAsync(string apiKey, int count) =>
        (await BatchAsync(apiKey, new { plan = "ltd", count })).GetProperty("codes").EnumerateArray().Select(c => c.GetString()!).ToArray();

    private Task<ApiResponse> RedeemAsync(string? accountId, string code, string email) => Host.PostAsync("v1/redeem", new { accountId, code, email });

    private static string NewEmail() => $"deal-{Guid.NewGuid():N}@example.com";

    private static string NewImportedCode() => $"AS-{Guid.NewGuid():N}"[..24].ToUpperInvariant();

    private static void AssertNo5xx(IEnumerable<ApiResponse> answers) =>
        Assert.All(answers, a => Assert.True((int)a.Status < 500, $"{(int)a.Status}: {a.Text}"));

    [Fact]
    public async Task Two_accounts_may_hold_the_same_code_and_each_redemption_lands_in_the_account_named()
    {
        var a = await SellerAsync();
        var b = await SellerAsync();
        var code = NewImportedCode();
        await BatchAsync(a.ApiKey, new { plan = "ltd", codes = new[] { code } });
        var imported = await BatchAsync(b.ApiKey, new { plan = "ltd", codes = new[] { code } }); // another account's copy is no obstacle, and not revealed
        Assert.Equal(1, imported.GetProperty("added").GetInt32());

        var inA = await RedeemAsync(a.AccountId, code, NewEmail());
        Assert.True(inA.Status == HttpStatusCode.OK, inA.Text);
        var licenseA = inA.Json.GetProperty("licenseId").GetString();
        Assert.Equal(HttpStatusCode.OK, (await Host.GetAsync($"v1/licenses/{licenseA}", a.ApiKey)).Status);
        (await Host.GetAsync($"v1/licenses/{licenseA}", b.ApiKey)).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        (await RedeemAsync(a.AccountId, code, NewEmail())).AssertProblem(HttpStatusCode.Conflict, "CONFLICT");

        var inB = await RedeemAsync(b.AccountId, code, NewEmail()); // B's copy is untouched by A's redemption
        Assert.True(inB.Status == HttpStatusCode.OK, inB.Text);
        var licenseB = inB.Json.GetProperty("licenseId").GetString();
        Assert.Equal(HttpStatusCode.OK, (await Host.GetAsync($"v1/licenses/{licenseB}", b.ApiKey)).Status);
        (await RedeemAsync(b.AccountId, code, NewEmail())).AssertProblem(HttpStatusCode.Conflict, "CONFLICT");

        Assert.Equal(1, TestHost.StoredLicenseCount(a.AccountId));
        Assert.Equal(1, TestHost.StoredLicenseCount(b.AccountId));
    }

    [Fact]
    public async Task Redeeming_needs_the_sellers_account_id_and_looks_in_that_account_only()
    {
        var a = await SellerAsync();
        var b = await SellerAsync();
        var code = (await GenerateAsync(a.ApiKey, 1))[0];

        foreach (var accountId in new[] { null, "", "acct_nope", a.AccountId.ToUpperInvariant() })
            Assert.True((await RedeemAsync(accountId, code, NewEmail())).AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED")
                .GetProperty("errors").TryGetProperty("accountId", out _));
        (await RedeemAsync(b.AccountId, code, NewEmail())).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        (await Host.PostAsync("v1/codes/refund", new { code }, b.ApiKey)).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");

        Assert.Equal(HttpStatusCode.OK, (await RedeemAsync(a.AccountId, code, NewEmail())).Status); // none of that touched it
        Assert.Equal(0, TestHost.StoredLicenseCount(b.AccountId));
    }

    [Fact]
    public async Task Importing_again_skips_what_the_account_holds_and_a_clash_with_another_plan_adds_nothing()
    {
        var a = await SellerAsync();
        var (c1, c2, c3, c4) = (NewImportedCode(), NewImportedCode(), NewImportedCode(), NewImportedCode());
        var first = await BatchAsync(a.ApiKey, new { plan = "ltd", codes = new[] { c1, c2 } });
        Assert.Equal(2, first.GetProperty("added").GetInt32());
        var again = await BatchAsync(a.ApiKey, new { plan = "ltd", codes = new[] { c2.ToLowerInvariant(), c3 } });
        Assert.Equal(1, again.GetProperty("added").GetInt32());
        Assert.Equal(1, again.GetProperty("skipped").GetInt32());

        var clash = await Host.PostAsync("v1/products/app/code-batches", new { plan = "ltd2", codes = new[] { c4, c3 } }, a.ApiKey);
        Assert.Contains("codes[1]", clash.AssertProblem(HttpStatusCode.Conflict, "CONFLICT").GetProperty("detail").GetString());
        (await RedeemAsync(a.AccountId, c4, NewEmail())).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        var redeemed = await RedeemAsync(a.AccountId, c3, NewEmail());
        Assert.Equal("ltd", redeemed.Json.GetProperty("plan").GetString());
    }

    [Fact]
    public async Task A_code_stored_before_codes_belonged_to_accounts_redeems_in_its_own_account_only_and_moves_there()
    {
        var a = await SellerAsync();
        var b = await SellerAsync();
        var code = NewImportedCode();
        var hash = RedemptionCode.Hash(RedemptionCode.CanonicalImported(code)!);
        var table = new TableClient(TestHost.Azurite, "redeemcodes");
        await table.AddEntityAsync(new TableEntity(hash, "")
        {
            ["AccountId"] = a.AccountId,
            ["ProductId"] = "app",
            ["Plan"] = "ltd",
            ["BatchId"] = "batch_old",
            ["State"] = CodeRecord.Available
        });

        (await RedeemAsync(b.AccountId, code, NewEmail())).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Equal(1, (await BatchAsync(b.ApiKey, new { plan = "ltd", codes = new[] { code } })).GetProperty("added").GetInt32());
        var inA = await RedeemAsync(a.AccountId, code, NewEmail());
        Assert.True(inA.Status == HttpStatusCode.OK, inA.Text);
        Assert.False((await table.GetEntityIfExistsAsync<TableEntity>(hash, "")).HasValue);
        Assert.Equal(CodeRecord.Redeemed, (await table.GetEntityAsync<TableEntity>(a.AccountId, hash)).Value.GetString("State"));
        Assert.Equal(0, (await BatchAsync(a.ApiKey, new { plan = "ltd", codes = new[] { code } })).GetProperty("added").GetInt32());
        (await RedeemAsync(a.AccountId, code, NewEmail())).AssertProblem(HttpStatusCode.Conflict, "CONFLICT");
        Assert.Equal(HttpStatusCode.OK, (await RedeemAsync(b.AccountId, code, NewEmail())).Status);
    }

    [Fact]
    public async Task Thirty_codes_redeemed_at_once_by_one_customer_all_stack_once_on_one_license_counted_once()
    {
        var seller = await SellerAsync(tier: "free", maxStackedCodes: 30); // five licenses: racing issuances of the one license must not use them up
        var codes = await GenerateAsync(seller.ApiKey, 30);
        var email = NewEmail();

        var answers = await Task.WhenAll(codes.Select(code => Task.Run(() => RedeemAsync(seller.AccountId, code, email))));
        AssertNo5xx(answers);
        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.OK, a.Text));
        var licenseId = Assert.Single(answers.Select(a => a.Json.GetProperty("licenseId").GetString()).Distinct());
        Assert.Equal(Enumerable.Range(1, 30), answers.Select(a => a.Json.GetProperty("stackedCodes").GetInt32()).Order()); // each code counted exactly once

        var license = (await Host.GetAsync($"v1/licenses/{licenseId}", seller.ApiKey)).Json;
        Assert.Equal(30, license.GetProperty("stackedCodes").GetInt32());
        Assert.Equal(60, license.GetProperty("maxActivations").GetInt32());
        Assert.Equal(1, TestHost.StoredLicenseCount(seller.AccountId));
        Assert.Equal(1, (await Host.GetAsync("v1/account", seller.ApiKey)).Json.GetProperty("usage").GetProperty("licensesIssued").GetInt32());
        foreach (var code in codes.Take(3))
            (await RedeemAsync(seller.AccountId, code, NewEmail())).AssertProblem(HttpStatusCode.Conflict, "CONFLICT");
    }

    [Fact]
    public async Task One_code_redeemed_thirty_times_at_once_by_one_customer_is_used_once()
    {
        var seller = await SellerAsync();
        var code = (await GenerateAsync(seller.ApiKey, 1))[0];
        var email = NewEmail();

        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => Task.Run(() => RedeemAsync(seller.AccountId, code, email))));
        AssertNo5xx(answers);
        var won = answers.Where(a => a.Status == HttpStatusCode.OK).ToList();
        Assert.NotEmpty(won); // the customer's concurrent requests finish the one redemption, or find it done (409)
        Assert.All(answers.Except(won), a => a.AssertProblem(HttpStatusCode.Conflict, "CONFLICT"));
        var licenseId = Assert.Single(won.Select(a => a.Json.GetProperty("licenseId").GetString()).Distinct());
        Assert.All(won, a => Assert.Equal(1, a.Json.GetProperty("stackedCodes").GetInt32()));

        Assert.Equal(1, (await Host.GetAsync($"v1/licenses/{licenseId}", seller.ApiKey)).Json.GetProperty("stackedCodes").GetInt32());
        Assert.Equal(1, TestHost.StoredLicenseCount(seller.AccountId));
        (await RedeemAsync(seller.AccountId, code, NewEmail())).AssertProblem(HttpStatusCode.Conflict, "CONFLICT");
    }
}
