using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Licensing.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Licensing.Tests.Dashboard;

/// <summary>
/// The seed's 30 minutes in a browser: sign up → the link from smtp4dev → create a product → connect Stripe → simulate a
/// purchase (a signed test-mode checkout through the real pipeline) → the license appears → its key e-mailed → validate it
/// through the .NET SDK → the license page and the checklist show it → the customer signs in to the portal with the
/// link from smtp4dev and deactivates the site → the founder's license page shows the freed slot.
/// </summary>
public sealed class EndToEndTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Sign_up_create_a_product_simulate_a_purchase_and_validate_the_license_it_made()
    {
        await using var s = await DashboardSession.StartAsync();
        var page = s.Page;
        var email = $"e2e-founder-{Guid.NewGuid():N}@dashboard-tests.example";

        var clock = Stopwatch.StartNew();
        await page.GotoAsync("");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sell licenses for your software in 30 minutes" })).ToBeVisibleAsync();
        output.WriteLine($"first load, to the interactive sign-up page: {clock.ElapsedMilliseconds} ms");
        output.WriteLine("navigation timing: " + await page.EvaluateAsync<string>(
            "JSON.stringify((({responseEnd, domContentLoadedEventEnd, loadEventEnd}) => ({responseEnd, domContentLoadedEventEnd, loadEventEnd}))"
            + "(performance.getEntriesByType('navigation')[0]))"));

        await s.SignUpAsync("E2E Plugins", email);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your first 30 minutes" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Products" }).ClickAsync();
        await page.GetByLabel("Product id").FillAsync("e2e-plugin");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("E2E Plugin");
        await page.GetByLabel("Plan id").FillAsync("pro");
        await page.GetByLabel("Plan name").FillAsync("Pro");
        await page.GetByLabel("Sites or devices per license").FillAsync("2");
        await page.GetByLabel("Features").FillAsync("export");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save product" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Product e2e-plugin created." })).ToBeVisibleAsync();

        // Integrations: the URL to paste in Stripe names this account; the signing secret is saved (never shown again).
        var token = await page.EvaluateAsync<string>("sessionStorage.getItem('licensing.session')");
        var accountId = (await s.Host.GetAsync("v1/account", token)).Json.GetProperty("accountId").GetString()!;
        await page.GetByRole(AriaRole.Link, new() { Name = "Integrations" }).ClickAsync();
        await Expect(page.GetByTestId("stripe-url")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex($"/api/v1/webhooks/stripe/{accountId}$"));
        await page.GetByLabel("Webhook signing secret").FillAsync(StripeEvents.Secret);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save Stripe settings" }).ClickAsync();
        await Expect(page.GetByTestId("stripe-status")).ToContainTextAsync("Stripe is connected");
        await Expect(page.GetByLabel("Webhook signing secret")).ToHaveValueAsync("");

        var customer = $"e2e-customer-{Guid.NewGuid():N}@dashboard-tests.example";
        await page.GetByLabel("Customer e-mail").FillAsync(customer);
        await page.GetByLabel("Customer's site").FillAsync("customer-site.example");
        await page.GetByRole(AriaRole.Button, new() { Name = "Simulate a purchase" }).ClickAsync();
        await Expect(page.Locator("[data-testid=flow] li[data-step=purchase]")).ToHaveClassAsync("done");
        await Expect(page.Locator("[data-testid=flow] li[data-step=license]")).ToHaveClassAsync("done");
        await Expect(page.Locator("[data-testid=flow] li[data-step=validation]")).ToContainTextAsync("VALID");
        await Expect(page.Locator("[data-testid=flow] li[data-step=validation]")).ToHaveClassAsync("done");
        await s.CheckPageAsync("10-integrations-simulated");
        // A checkbox sits at the start of its label's line, not stretched to a field's width above it.
        var (box, label) = (await page.Locator("#paddle-sandbox").BoundingBoxAsync(), await page.Locator("label[for=paddle-sandbox]").BoundingBoxAsync());
        Assert.True(box!.Width < 40 && box.Y < label!.Y + 24 && box.X - label.X < 8, $"checkbox {box.X},{box.Y} {box.Width} wide; label {label!.X},{label.Y}");

        // The e-mail the processor sent carries the key of the license the page links to.
        var mail = Assert.Single(await Smtp4dev.WaitForAsync(customer, 1, Patience.Bound));
        var license = Assert.Single((await s.Host.GetAsync("v1/licenses?customerEmail=" + Uri.EscapeDataString(customer), token)).Json
            .GetProperty("items").EnumerateArray());
        Assert.True(license.GetProperty("test").GetBoolean());
        var key = license.GetProperty("licenseKey").GetString()!;
        Assert.Contains(key, await Smtp4dev.PlainTextAsync(mail.Id));

        // The customer's app validates through the .NET SDK, with the JWKS pinned.
        using (var sdk = new Licensing.Client.LicenseClient(new Licensing.Client.LicenseClientOptions
        {
            BaseUrl = s.Host.BaseAddress,
            PinnedJwks = (await s.Host.GetAsync("v1/keys")).Text,
            ProductId = "e2e-plugin",
        }))
        {
            var state = await sdk.ValidateAsync(key, "customer-site.example");
            Assert.True(state.IsValid, state.Code);
        }

        await page.GetByRole(AriaRole.Link, new() { Name = "Open the license" }).ClickAsync();
        await Expect(page.GetByTestId("license-key")).ToHaveValueAsync(key);
        await Expect(page.GetByTestId("slots")).ToHaveTextAsync("1 of 2 in use");
        await Expect(page.GetByText("test (made by a provider's test mode")).ToBeVisibleAsync();
        // The page's validation and the SDK's: counted by the activity flush, then shown on a reload.
        await WaitForValidationsAsync(s, token, license.GetProperty("licenseId").GetString()!, 2);
        await page.ReloadAsync();
        await Expect(page.GetByTestId("usage")).ToContainTextAsync("2, 2 valid");
        // Both on the timeline (on one day, or on two if the flushes fell either side of midnight).
        await Expect(page.GetByTestId("timeline-summary")).ToContainTextAsync("2 validations on");
        await Expect(page.GetByTestId("timeline-summary")).ToContainTextAsync("of the last 30: 2 valid, 0 not valid.");
        await s.CheckPageAsync("11-license-simulated");

        // The checklist ticks Stripe and the full flow from that license's Stripe event.
        await page.GetByRole(AriaRole.Link, new() { Name = "Overview" }).ClickAsync();
        await Expect(page.Locator("li[data-step=stripe]")).ToHaveClassAsync("done");
        await Expect(page.Locator("li[data-step=purchase]")).ToHaveClassAsync("done");
        // The account's tier and this month's use, beside the checklist.
        await Expect(page.GetByTestId("account")).ToContainTextAsync("Your plan: free");
        await Expect(page.GetByTestId("account")).ToContainTextAsync("Licenses issued");
        await s.CheckPageAsync("12-overview-account");

        // Copy-paste snippets for the product, and the keys to pin exactly as GET /v1/keys serves them.
        // The served set grows whenever a host sharing this storage registers a delegated key (every test host makes one when
        // it starts): a set that changed between the page's read and ours is read again, by opening the page again.
        for (var attempt = 1; ; attempt++)
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "SDK", Exact = true }).ClickAsync();
            await Expect(page.GetByTestId("jwks")).ToHaveValueAsync(new Regex("\\{\"keys\":"));
            var shown = await page.GetByTestId("jwks").InputValueAsync();
            var served = (await s.Host.GetAsync("v1/keys")).Text;
            if (shown == served || attempt == 5)
            {
                Assert.Equal(served, shown);
                break;
            }
            await page.GetByRole(AriaRole.Link, new() { Name = "Overview" }).ClickAsync();
        }
        var named = new[] { ("dotnet", "ProductId = \"e2e-plugin\""), ("js", "productId: 'e2e-plugin'"), ("php", "'productId' => 'e2e-plugin'") };
        foreach (var (snippet, text) in named)
        {
            await Expect(page.Locator($"[data-snippet={snippet}]")).ToContainTextAsync(text);
            await Expect(page.Locator($"[data-snippet={snippet}]")).ToContainTextAsync(s.Origin.AbsoluteUri + "api/");
            // Every line fits its card: a snippet is read and copied whole, without scrolling sideways.
            var widths = await page.Locator($"[data-snippet={snippet}]").EvaluateAsync<int[]>("e => [e.scrollWidth, e.clientWidth]");
            Assert.True(widths[0] <= widths[1], $"the {snippet} snippet is {widths[0]}px wide in a {widths[1]}px block");
        }
        await s.CheckPageAsync("13-sdk");

        // Test licenses count in no metric (docs/stripe.md): the metrics stay empty for this account, and the page says
        // why, naming the simulated purchase's license.
        await page.GetByRole(AriaRole.Link, new() { Name = "Metrics" }).ClickAsync();
        await Expect(page.Locator("figure[data-metric=validationSuccessRate]")).ToContainTextAsync("No data yet");
        await Expect(page.GetByTestId("test-licenses")).ToContainTextAsync("1 test license from simulated or test-mode purchases exists");
        await s.CheckPageAsync("13-metrics-test-licenses");

        // The customer: the portal's sign-in link from smtp4dev, then the site deactivated (after confirming).
        var licenseId = license.GetProperty("licenseId").GetString()!;
        await page.GotoAsync($"portal/{accountId}");
        await page.GetByLabel("E-mail address").FillAsync(customer);
        await page.GetByRole(AriaRole.Button, new() { Name = "E-mail me a sign-in link" }).ClickAsync();
        var messages = await Smtp4dev.WaitForAsync(customer, 2, Patience.Bound); // the key, then the link
        Match link = Match.Empty;
        foreach (var m in messages)
            if (DashboardSession.PortalLink().Match(await Smtp4dev.PlainTextAsync(m.Id)) is { Success: true } found) link = found;
        Assert.True(link.Success, "no portal sign-in link among the customer's e-mails");
        Assert.Equal(accountId, link.Groups[1].Value);
        await page.GotoAsync($"portal/{accountId}/signin?token={link.Groups[2].Value}");
        var card = page.Locator("section.portal-license");
        await Expect(card.Locator(".slots")).ToHaveTextAsync("1 of 2 in use");
        await page.GetByRole(AriaRole.Button, new() { Name = "Deactivate customer-site.example" }).ClickAsync();
        await page.GetByRole(AriaRole.Group, new() { Name = "Confirm deactivating customer-site.example" })
            .GetByRole(AriaRole.Button, new() { Name = "Yes, deactivate" }).ClickAsync();
        await Expect(card.Locator(".slots")).ToHaveTextAsync("0 of 2 in use");
        await s.CheckPageAsync("17-portal-deactivated");

        // The founder's license page (the founder's session is still in this tab) shows the freed slot and no activation.
        await page.GotoAsync($"licenses/{licenseId}");
        await Expect(page.GetByTestId("slots")).ToHaveTextAsync("0 of 2 in use");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Remove customer-site.example" })).ToHaveCountAsync(0);
        await Expect(page.Locator("li[data-action='activation.deleted']")).ToHaveCountAsync(1);
        // Both validations came from this machine (one address, in the singular) and named customer-site.example while the license held
        // its activation: a site, though its name is a development host's (.example), as its certificates said.
        await Expect(page.GetByTestId("sharing")).ToHaveTextAsync("No sign of sharing: 1 site and 1 address in the last 24 hours.");
        await s.CheckPageAsync("18-license-slot-freed");
    }

    private static async Task WaitForValidationsAsync(DashboardSession s, string token, string licenseId, long count)
    {
        var until = Patience.Deadline;
        while (true)
        {
            var r = await s.Host.GetAsync($"v1/licenses/{licenseId}", token);
            Assert.Equal(HttpStatusCode.OK, r.Status);
            if (r.Json.TryGetProperty("usage", out var u) && u.GetProperty("validations").GetInt64() >= count) return;
            Assert.True(DateTime.UtcNow < until, $"the validations were not counted within {Patience.Bound.TotalSeconds:0} s: " + r.Text);
            await Task.Delay(200);
        }
    }
}
