using System.Net;
using Licensing.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Licensing.Tests.Dashboard;

/// <summary>
/// The customer portal in Chromium on the local host: a customer asks for a link, signs in with the link from smtp4dev,
/// sees their license (and not another customer's), deactivates a site after confirming, sees the count of deactivations
/// left go down, gets the key e-mailed again; the founder's API view shows the freed slot. Every portal page is scanned
/// with axe and saved under .local/screenshots/portal-*.png at desktop and phone width.
/// </summary>
public sealed class PortalBrowserTests
{
    private const string FitsWidth = "document.documentElement.scrollWidth <= window.innerWidth";

    [Fact]
    public async Task A_customer_signs_in_by_link_deactivates_a_site_and_the_founder_sees_the_freed_slot()
    {
        await using var s = await DashboardSession.StartAsync();
        var page = s.Page;
        var (accountId, apiKey) = await s.Host.CreateAccountWithProductAndIdAsync();
        var customer = $"portal-{Guid.NewGuid():N}@portal-browser-tests.example";
        var other = $"other-{Guid.NewGuid():N}@portal-browser-tests.example";
        var licenseId = (await s.Host.IssueAsync(apiKey, new
        {
            productId = "my-plugin",
            customerEmail = customer,
            plan = "pro",
            domains = new[] { "one.example", "two.example" }
        })).GetProperty("licenseId").GetString()!;
        var othersKey = (await s.Host.IssueAsync(apiKey, new
        {
            productId = "my-plugin",
            customerEmail = other,
            plan = "pro",
            domains = new[] { "other.example" }
        })).GetProperty("licenseKey").GetString()!;

        await page.GotoAsync($"portal/{accountId}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "See and manage your licenses" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Navigation)).ToHaveCountAsync(0); // the portal's own layout: no founder navigation
        await s.CheckPageAsync("portal-signin-desktop");

        await page.GetByLabel("E-mail address").FillAsync(customer);
        await page.GetByRole(AriaRole.Button, new() { Name = "E-mail me a sign-in link" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "holds licenses here" })).ToBeVisibleAsync();
        await s.CheckPageAsync("portal-link-sent-desktop");

        var messages = await Smtp4dev.WaitForAsync(customer, 1, Patience.Bound);
        var match = DashboardSession.PortalLink().Match(await Smtp4dev.PlainTextAsync(Assert.Single(messages).Id));
        Assert.True(match.Success);
        Assert.Equal(accountId, match.Groups[1].Value);
        // The link names the default dashboard URL (…:7071/); open its path on this host's dashboard.
        var landing = $"portal/{accountId}/signin?token={match.Groups[2].Value}";
        await page.GotoAsync(landing);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your licenses" })).ToBeVisibleAsync();
        Assert.EndsWith($"/portal/{accountId}/licenses", page.Url); // the token left the address bar
        var card = page.Locator("section.portal-license");
        await Expect(card).ToHaveCountAsync(1);
        await Expect(card.Locator(".slots")).ToHaveTextAsync("2 of 3 in use");
        await Expect(card.Locator(".remaining")).ToHaveTextAsync("5 in the next 30 days");
        await Expect(card.GetByLabel("License key")).ToHaveValueAsync(
            (await s.Host.GetAsync($"v1/licenses/{licenseId}", apiKey)).Json.GetProperty("licenseKey").GetString()!);
        Assert.DoesNotContain(othersKey, await page.ContentAsync());
        Assert.DoesNotContain("other.example", await page.ContentAsync());
        await s.CheckPageAsync("portal-licenses-desktop");

        await page.GetByRole(AriaRole.Button, new() { Name = "Deactivate one.example" }).ClickAsync();
        var confirm = page.GetByRole(AriaRole.Group, new() { Name = "Confirm deactivating one.example" });
        await Expect(confirm).ToContainTextAsync("leaves 4 more deactivations");
        await s.CheckPageAsync("portal-deactivate-confirm-desktop");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Yes, deactivate" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "one.example is deactivated. 4 deactivations left" })).ToBeVisibleAsync();
        await Expect(card.Locator(".slots")).ToHaveTextAsync("1 of 3 in use");
        await Expect(card.Locator(".remaining")).ToHaveTextAsync("4 in the next 30 days");

        // The founder's license page reads the same license through the API: the slot is free.
        var founder = await s.Host.GetAsync($"v1/licenses/{licenseId}", apiKey);
        Assert.Equal(HttpStatusCode.OK, founder.Status);
        Assert.Equal(1, founder.Json.GetProperty("activationsUsed").GetInt32());
        Assert.Equal(["two.example"], founder.Json.GetProperty("domains").EnumerateArray().Select(d => d.GetString()));

        await card.GetByRole(AriaRole.Button, new() { Name = "E-mail my key" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "key is on its way" })).ToBeVisibleAsync();
        Assert.NotEmpty(await WaitForSubjectAsync(customer, "license key"));

        // A used link lands on an error in words, with a way back.
        await page.GotoAsync(landing);
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("used already");
        await s.CheckPageAsync("portal-link-used-desktop");

        // Phone width: nothing wider than the screen.
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync($"portal/{accountId}/licenses");
        await Expect(card.Locator(".slots")).ToHaveTextAsync("1 of 3 in use");
        Assert.True(await page.EvaluateAsync<bool>(FitsWidth), "the licenses page scrolls sideways at 390 px");
        await s.CheckPageAsync("portal-licenses-phone");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "See and manage your licenses" })).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>(FitsWidth), "the sign-in page scrolls sideways at 390 px");
        await s.CheckPageAsync("portal-signin-phone");
        await page.GotoAsync($"portal/{accountId}/licenses");
        await Expect(page.GetByText("You are not signed in here")).ToBeVisibleAsync();
    }

    private static async Task<IReadOnlyList<Smtp4dev.Message>> WaitForSubjectAsync(string address, string subject)
    {
        var until = Patience.Deadline;
        while (true)
        {
            var hits = (await Smtp4dev.MessagesToAsync(address)).Where(m => m.Subject.Contains(subject, StringComparison.Ordinal)).ToList();
            if (hits.Count > 0 || DateTime.UtcNow > until) return hits;
            await Task.Delay(200);
        }
    }
}
