using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.Billing;

/// <summary>
/// What the billing pipeline tests wait for: a customer's licenses in the account (<c>GET /v1/licenses?customerEmail=</c>),
/// and the first of them once it exists (and is as expected), within <see cref="Patience.Bound"/>.
/// </summary>
internal static class CustomerLicenses
{
    public static async Task<JsonElement[]> ListAsync(TestHost host, string apiKey, string email) =>
        (await host.GetAsync("v1/licenses?customerEmail=" + Uri.EscapeDataString(email), apiKey)).Json.GetProperty("items").EnumerateArray().ToArray();

    public static async Task<JsonElement> WaitAsync(TestHost host, string apiKey, string email, Func<JsonElement, bool>? until = null)
    {
        var deadline = Patience.Deadline;
        while (true)
        {
            var items = await ListAsync(host, apiKey, email);
            if (items.Length > 0 && (until is null || until(items[0]))) return items[0];
            Assert.True(DateTime.UtcNow < deadline,
                $"no license for {email} as expected in {Patience.Bound}: {string.Join(", ", items.Select(i => i.ToString()))}");
            await Task.Delay(100);
        }
    }
}
