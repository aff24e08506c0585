using System.Net;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Licensing.Tests.Dashboard;

/// <summary>
/// The licenses page's search box in Chromium: a full license key finds that license only, a domain finds the license
/// activated there only, and a key no license has shows the empty state in words. Scanned with axe, saved under
/// .local/screenshots/.
/// </summary>
public sealed class LicenseSearchBrowserTests
{
    [Fact]
    public async Task The_search_box_finds_a_license_by_its_key_and_by_the_domain_it_is_activated_on()
    {
        await using var s = await DashboardSession.StartAsync();
        var page = s.Page;
        var apiKey = await s.Host.CreateAccountWithProductAsync();
        var keyed = $"keyed-{Guid.NewGuid():N}@search-tests.example";
        var onDomain = $"on-domain-{Guid.NewGuid():N}@search-tests.example";
        var key = (await s.Host.IssueAsync(apiKey, new { productId = "my-plugin", customerEmail = keyed, plan = "pro" }))
            .GetProperty("licenseKey").GetString()!;
        var otherKey = (await s.Host.IssueAsync(apiKey, new { productId = "my-plugin", customerEmail = onDomain, plan = "pro" }))
            .GetProperty("licenseKey").GetString()!;
        var domain = $"shop-{Guid.NewGuid():N}.example.com";
        // The customer's app activates the second license on its site through the public route.
        var activated = await s.Host.PostAsync("v1/activate", new { key = otherKey, domain = "https://www." + domain + "/checkout" });
        Assert.True(activated.Status == HttpStatusCode.OK && activated.Json.GetProperty("activated").GetBoolean(), activated.Text);
        var byDomain = await s.Host.GetAsync("v1/licenses?domain=" + Uri.EscapeDataString(domain.ToUpperInvariant()), apiKey);
        Assert.True(byDomain.Json.GetProperty("items").GetArrayLength() == 1, byDomain.Text); // what the page will be answered

        // Signing in by link is covered by DashboardBrowserTests; here the account's full-scope key is the page's bearer token.
        await page.GotoAsync("");
        await page.EvaluateAsync("k => sessionStorage.setItem('licensing.session', k)", apiKey);
        await page.GotoAsync("licenses");
        var rows = page.Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(2); // the listing: both licenses

        var search = page.GetByLabel("Customer e-mail, license id, key or domain");
        await search.FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(rows.Filter(new() { HasText = keyed })).ToHaveCountAsync(1);
        await Expect(rows).ToHaveCountAsync(1);

        await search.FillAsync(domain.ToUpperInvariant());
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(rows.Filter(new() { HasText = onDomain })).ToHaveCountAsync(1);
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("1 of 3");
        await s.CheckPageAsync("20-licenses-by-domain");

        // A key no license has (the first key with one character of its signature changed): the empty state, in words.
        var forged = key[..^10] + (key[^10] == 'A' ? 'B' : 'A') + key[^9..];
        await search.FillAsync(forged);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page.GetByText("No license matches this search.")).ToBeVisibleAsync();
        await Expect(rows).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveCountAsync(0); // not an error: simply no license
        await s.CheckPageAsync("21-licenses-unknown-key");
    }
}
