using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Licensing.Tests.Support;

namespace Licensing.Tests.Accounts;

/// <summary>What the account tests share: hosts without the (tight) sign-in limits, unique addresses, links read from smtp4dev.</summary>
public static partial class AccountTestKit
{
    /// <summary>Every test talks from 127.0.0.1: the sign-in limits are tested on their own (SignInRateLimitTests).</summary>
    public static Dictionary<string, string?> Settings(params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Licensing:RateLimits:SignInPerAddressBurst"] = "1000000",
            ["Licensing:RateLimits:SignInPerAddressPerSecond"] = "1000000",
            ["Licensing:RateLimits:SignInPerEmailBurst"] = "1000000",
            ["Licensing:RateLimits:SignInPerEmailPerSecond"] = "1000000",
        };
        foreach (var (k, v) in more) settings[k] = v;
        return settings;
    }

    public static Task<TestHost> StartAsync(TimeProvider? clock = null, bool queues = true, params (string Key, string? Value)[] more) =>
        TestHost.StartAsync(clock: clock, settings: Settings(more), queues: queues);

    public static string NewAddress(string label) => $"{label}-{Guid.NewGuid():N}@auth-tests.example";

    [GeneratedRegex(@"token=(lsi_[A-Za-z0-9_-]+)")]
    private static partial Regex TokenInLink();

    /// <summary>
    /// Waits for an e-mail to <paramref name="address"/> not in <paramref name="seen"/>; returns its text and the link's token.
    /// smtp4dev is shared and keeps a bounded number of messages, so this looks for a new one rather than counting.
    /// </summary>
    public static async Task<(string Text, string Token)> NextLinkAsync(string address, ISet<string> seen)
    {
        var until = Patience.Deadline;
        Smtp4dev.Message? next;
        while ((next = (await Smtp4dev.MessagesToAsync(address)).FirstOrDefault(m => !seen.Contains(m.Id))) is null)
        {
            Assert.True(DateTime.UtcNow < until, $"no new e-mail reached {address}");
            await Task.Delay(100);
        }
        seen.Add(next.Id);
        var text = await Smtp4dev.PlainTextAsync(next.Id);
        var match = TokenInLink().Match(text);
        Assert.True(match.Success, "no sign-in link in: " + text);
        return (text, match.Groups[1].Value);
    }

    /// <summary>Exchanges a one-time token: (status, body).</summary>
    public static Task<ApiResponse> ExchangeAsync(TestHost host, string token) => host.PostAsync("v1/sessions", new { token });

    /// <summary>Signs up a new address through the e-mail link; returns the session token and the account id.</summary>
    public static async Task<(string Session, string AccountId, string Address)> SignUpAsync(TestHost host, string label = "founder")
    {
        var address = NewAddress(label);
        Assert.Equal(HttpStatusCode.Accepted, (await host.PostAsync("v1/signup", new { email = address, name = "Founder Co" })).Status);
        var (_, token) = await NextLinkAsync(address, new HashSet<string>());
        var session = await ExchangeAsync(host, token);
        Assert.True(session.Status == HttpStatusCode.Created, session.Text);
        return (session.Json.GetProperty("sessionToken").GetString()!, session.Json.GetProperty("accountId").GetString()!, address);
    }

    /// <summary>Creates a key with <paramref name="scopes"/>; returns (id, secret).</summary>
    public static async Task<(string Id, string Secret)> CreateKeyAsync(TestHost host, string bearer, string name, params string[] scopes)
    {
        var r = await host.PostAsync("v1/api-keys", new { name, scopes }, bearer);
        Assert.True(r.Status == HttpStatusCode.Created, r.Text);
        return (r.Json.GetProperty("id").GetString()!, r.Json.GetProperty("apiKey").GetString()!);
    }

    public static async Task<JsonElement[]> ListKeysAsync(TestHost host, string bearer)
    {
        var r = await host.GetAsync("v1/api-keys", bearer);
        Assert.True(r.Status == HttpStatusCode.OK, r.Text);
        return r.Json.GetProperty("items").EnumerateArray().ToArray();
    }
}
