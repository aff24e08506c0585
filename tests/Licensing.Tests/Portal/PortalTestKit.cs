using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Licensing.Tests.Accounts;
using Licensing.Tests.Support;

namespace Licensing.Tests.Portal;

/// <summary>What the customer portal tests share: sellers with a product, customers with unique addresses, links read from smtp4dev.</summary>
public static partial class PortalTestKit
{
    public static string NewCustomer(string label) => $"{label}-{Guid.NewGuid():N}@portal-tests.example";

    [GeneratedRegex(@"(http://\S+/portal/(acct_[0-9a-f]+)/signin\?token=(lci_[A-Za-z0-9_-]+))")]
    private static partial Regex PortalLink();

    /// <summary>A seller: an account with the sample product "my-plugin" (plan "pro": 3 slots).</summary>
    public static Task<(string AccountId, string ApiKey)> SellerAsync(TestHost host) => host.CreateAccountWithProductAndIdAsync();

    /// <summary>Issues a "pro" license of "my-plugin" to <paramref name="email"/> on <paramref name="domains"/>; returns its id.</summary>
    public static async Task<string> IssueAsync(TestHost host, string apiKey, string email, string[] domains, object? metadata = null)
    {
        var r = await host.PostAsync("v1/licenses", new { productId = "my-plugin", customerEmail = email, domains, plan = "pro", metadata }, apiKey);
        Assert.True(r.Status == HttpStatusCode.Created, r.Text);
        return r.Json.GetProperty("licenseId").GetString()!;
    }

    /// <summary>Asks for a portal link and waits for a new one in smtp4dev; returns the whole link, its account and token.</summary>
    public static async Task<(string Link, string AccountId, string Token)> RequestLinkAsync(TestHost host, string accountId, string email, ISet<string> seen)
    {
        var r = await host.PostAsync($"v1/portal/{accountId}/signin", new { email });
        Assert.True(r.Status == HttpStatusCode.Accepted, r.Text);
        var until = Patience.Deadline;
        while (true)
        {
            foreach (var m in await Smtp4dev.MessagesToAsync(email))
            {
                if (!seen.Add(m.Id)) continue;
                var match = PortalLink().Match(await Smtp4dev.PlainTextAsync(m.Id));
                if (match.Success) return (match.Groups[1].Value, match.Groups[2].Value, match.Groups[3].Value);
            }
            Assert.True(DateTime.UtcNow < until, $"no portal link reached {email}");
            await Task.Delay(100);
        }
    }

    public static Task<ApiResponse> ExchangeAsync(TestHost host, string accountId, string token) =>
        host.PostAsync($"v1/portal/{accountId}/sessions", new { token });

    /// <summary>Signs a customer in to a seller's portal through the e-mailed link; returns the portal session token.</summary>
    public static async Task<string> SignInAsync(TestHost host, string accountId, string email)
    {
        var seen = (await Smtp4dev.MessagesToAsync(email)).Select(m => m.Id).ToHashSet();
        var (_, linkAccount, token) = await RequestLinkAsync(host, accountId, email, seen);
        Assert.Equal(accountId, linkAccount);
        var r = await ExchangeAsync(host, accountId, token);
        Assert.True(r.Status == HttpStatusCode.Created, r.Text);
        return r.Json.GetProperty("sessionToken").GetString()!;
    }

    public static async Task<JsonElement[]> LicensesAsync(TestHost host, string accountId, string session)
    {
        var r = await host.GetAsync($"v1/portal/{accountId}/licenses", session);
        Assert.True(r.Status == HttpStatusCode.OK, r.Text);
        return r.Json.GetProperty("items").EnumerateArray().ToArray();
    }

    /// <summary>Asks the portal to e-mail the key again (202) and waits for the new license e-mail; returns its plain text.</summary>
    public static async Task<string> ResendAsync(TestHost host, string accountId, string licenseId, string email, string session)
    {
        var before = (await Smtp4dev.MessagesToAsync(email)).Select(m => m.Id).ToHashSet();
        var r = await host.PostAsync($"v1/portal/{accountId}/licenses/{licenseId}/resend", null, session);
        Assert.True(r.Status == HttpStatusCode.Accepted, r.Text);
        var until = Patience.Deadline;
        Smtp4dev.Message? sent;
        while ((sent = (await Smtp4dev.MessagesToAsync(email)).FirstOrDefault(m => !before.Contains(m.Id) && m.Subject.Contains("license key"))) is null)
        {
            Assert.True(DateTime.UtcNow < until, "the key was not e-mailed again");
            await Task.Delay(100);
        }
        return await Smtp4dev.PlainTextAsync(sent.Id);
    }

    public static Task<TestHost> StartAsync(params (string Key, string? Value)[] more) => AccountTestKit.StartAsync(more: more);
}
