using Licensing.Tests.Support;

namespace Licensing.Tests.Trials;

/// <summary>Trial tests: a seller with a product whose "pro" plan has a 14-day trial and whose "business" plan has none.</summary>
public static class TrialSeller
{
    /// <summary>Every test talks from 127.0.0.1: the per-address trial limit is tested on its own.</summary>
    public static readonly IReadOnlyDictionary<string, string?> Unlimited = new Dictionary<string, string?>
    {
        ["Licensing:RateLimits:TrialsPerAddressBurst"] = "1000000",
        ["Licensing:RateLimits:TrialsPerAddressPerSecond"] = "1000000",
    };

    public static object Product => new
    {
        name = "My Plugin",
        plans = new object[]
        {
            new
            {
                id = "pro", name = "Pro", model = "subscription", durationDays = 365, maxActivations = 3, features = new[] { "analytics", "export" },
                trialDays = 14,
            },
            new { id = "business", name = "Business", model = "subscription", durationDays = 365, maxActivations = (int?)null,
                features = new[] { "analytics", "export", "custom-branding" } },
            new { id = "lifetime", name = "Lifetime deal", model = "lifetime", maxActivations = 1, features = new[] { "analytics" }, trialDays = 7 },
        },
    };

    /// <summary>A new account (tier as given) with the product "my-plugin".</summary>
    public static async Task<(string AccountId, string ApiKey)> CreateAsync(TestHost host, string tier = "business")
    {
        var account = await host.CreateAccountAsync(tier: tier);
        var r = await host.PutAsync("v1/products/my-plugin", Product, account.ApiKey);
        Assert.True(r.Status == System.Net.HttpStatusCode.Created, r.Text);
        return account;
    }

    public static object Request(string accountId, string email, string? domain = null, string? fingerprint = null, string plan = "pro",
        string productId = "my-plugin") => new { accountId, productId, plan, customerEmail = email, domain, fingerprint };

    public static string NewEmail() => $"trial-{Guid.NewGuid():N}@example.com";

    public static string NewDomain() => $"site-{Guid.NewGuid():N}.example.com";
}

/// <summary>One local host per test class, without the per-address trial limit.</summary>
public sealed class TrialHost : IAsyncLifetime
{
    public TestHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await TestHost.StartAsync(settings: TrialSeller.Unlimited);

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
