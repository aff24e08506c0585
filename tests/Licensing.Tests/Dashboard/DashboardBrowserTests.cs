using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Licensing.Functions.Signing;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Licensing.Tests.Dashboard;

/// <summary>
/// The founder dashboard in Chromium, end to end on the local host: sign up by e-mail link, the onboarding checklist
/// ticking itself, the products and plans editor, the licenses list and a license page freeing a slot. Every page is
/// scanned with axe (no serious or critical violation) and saved under .local/screenshots/.
/// </summary>
public sealed class DashboardBrowserTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_founder_signs_up_by_link_creates_a_product_and_frees_a_slot_on_a_license_page()
    {
        await using var s = await DashboardSession.StartAsync();
        var page = s.Page;
        var email = $"founder-{Guid.NewGuid():N}@dashboard-tests.example";

        var clock = Stopwatch.StartNew();
        await page.GotoAsync("");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sell licenses for your software in 30 minutes" })).ToBeVisibleAsync();
        output.WriteLine($"first load to the sign-in page: {clock.ElapsedMilliseconds} ms");
        await s.CheckPageAsync("01-sign-up");

        await s.SignUpAsync("Dash Plugins", email);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your first 30 minutes" })).ToBeVisibleAsync();
        Assert.Equal(s.Origin.AbsoluteUri, page.Url); // the token left the address bar
        await Expect(page.Locator("li[data-step=product]")).ToHaveClassAsync("todo");
        await Expect(page.Locator("li[data-step=deploy]")).ToHaveClassAsync("todo"); // the API answers from this machine
        // At desktop width the plan card stands beside the steps, not below them.
        await Expect(page.GetByTestId("account")).ToBeVisibleAsync();
        var (steps, planCard) = (await page.Locator("ol.checklist").BoundingBoxAsync(), await page.GetByTestId("account").BoundingBoxAsync());
        Assert.True(planCard!.X >= steps!.X + steps.Width && planCard.Y < steps.Y + steps.Height,
            $"plan card at {planCard.X},{planCard.Y}; steps end at {steps.X + steps.Width}");
        await s.CheckPageAsync("02-overview-new-account");

        await page.GetByRole(AriaRole.Link, new() { Name = "Products" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "New product" })).ToBeVisibleAsync();
        await page.GetByLabel("Product id").FillAsync("dash-plugin");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Dash Plugin");
        await page.GetByLabel("Plan id").FillAsync("pro");
        await page.GetByLabel("Plan name").FillAsync("Pro");
        await page.GetByLabel("Sites or devices per license").FillAsync("2");
        await page.GetByLabel("Features").FillAsync("export, analytics");
        // The further settings fold open by keyboard; opened, they are part of the page the scan checks.
        await page.GetByText("Activations, offline use, updates, usage and trials").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.GetByLabel("Free trial in days").FillAsync("14");
        await page.GetByText("Keys, renewal reminders and development sites").ClickAsync();
        await page.GetByLabel("License keys").SelectOptionAsync("short");
        await page.GetByText("Selling through a provider").ClickAsync();
        await page.GetByLabel("Stripe price ids").FillAsync("price_dash_pro");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save product" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Product dash-plugin created." })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Dash Plugin" })).ToBeVisibleAsync();
        await s.CheckPageAsync("03-products");

        // What the editor saved is what the API serves, in the API's own words.
        var token = await page.EvaluateAsync<string>("sessionStorage.getItem('licensing.session')");
        var product = await s.Host.GetAsync("v1/products/dash-plugin", token);
        Assert.Equal(HttpStatusCode.OK, product.Status);
        var plan = product.Json.GetProperty("plans")[0];
        Assert.Equal(("pro", "subscription", 365, 2), (plan.GetProperty("id").GetString(), plan.GetProperty("model").GetString(),
            plan.GetProperty("durationDays").GetInt32(), plan.GetProperty("maxActivations").GetInt32()));
        Assert.Equal(["export", "analytics"], plan.GetProperty("features").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal((14, "price_dash_pro", "short"), (plan.GetProperty("trialDays").GetInt32(), plan.GetProperty("stripePriceIds")[0].GetString(),
            product.Json.GetProperty("keyFormat").GetString()));

        await page.GetByRole(AriaRole.Link, new() { Name = "Overview" }).ClickAsync();
        await Expect(page.Locator("li[data-step=product]")).ToHaveClassAsync("done");

        var customer = $"customer-{Guid.NewGuid():N}@dashboard-tests.example";
        var issued = await s.Host.PostAsync("v1/licenses",
            new { productId = "dash-plugin", customerEmail = customer, plan = "pro", domains = new[] { "one.example", "two.example" } }, token);
        Assert.Equal(HttpStatusCode.Created, issued.Status);

        await page.GetByRole(AriaRole.Link, new() { Name = "Licenses" }).ClickAsync();
        await page.GetByLabel("Customer e-mail").FillAsync(customer);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = customer });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync("2 of 2");
        await s.CheckPageAsync("04-licenses");

        // A license id goes straight to that license; a plan narrows the list on the server.
        await page.GetByLabel("Customer e-mail").FillAsync(issued.Json.GetProperty("licenseId").GetString()!);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = customer })).ToHaveCountAsync(1);
        await page.GetByLabel("Customer e-mail").FillAsync(customer);
        await page.GetByLabel("Plan id").FillAsync("gold");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page.GetByText("No license matches this search.")).ToBeVisibleAsync();
        await page.GetByLabel("Plan id").FillAsync("pro");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(row).ToHaveCountAsync(1);
        await row.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.GetByTestId("slots")).ToHaveTextAsync("2 of 2 in use");
        // Never validated: the validations card says so once, with no sharing box beside it.
        await Expect(page.GetByTestId("usage")).ToContainTextAsync("Not validated yet");
        await Expect(page.GetByTestId("sharing")).ToHaveCountAsync(0);
        await s.CheckPageAsync("05-license");
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove one.example" }).ClickAsync();
        await Expect(page.GetByTestId("slots")).ToHaveTextAsync("1 of 2 in use");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Remove one.example" })).ToHaveCountAsync(0);

        var licenseId = issued.Json.GetProperty("licenseId").GetString()!;
        var license = await s.Host.GetAsync($"v1/licenses/{licenseId}", token);
        Assert.Equal(["two.example"], license.Json.GetProperty("activations").EnumerateArray().Select(a => a.GetProperty("domain").GetString()));
        await LicensePageManagesTheLicenseAsync(s, token, licenseId, issued.Json.GetProperty("licenseKey").GetString()!);

        // The customer's app validates through the .NET SDK; once the activity flush has counted it, the metrics page charts
        // it beside its target and the checklist ticks "Integrate the SDK". Issued/active are today's live counts (no roll-up needed).
        using (var sdk = new Licensing.Client.LicenseClient(new Licensing.Client.LicenseClientOptions
        {
            BaseUrl = s.Host.BaseAddress,
            PinnedJwks = (await s.Host.GetAsync("v1/keys")).Text,
            ProductId = "dash-plugin",
            Timeout = Patience.Bound, // a bound on a hang: a loaded machine can take the SDK's 15 s default for the first validation
        }))
        {
            var state = await sdk.ValidateAsync(issued.Json.GetProperty("licenseKey").GetString()!, "two.example");
            Assert.True(state.IsValid, state.Code);
        }
        await WaitForValidationsAsync(s, token);
        await page.GetByRole(AriaRole.Link, new() { Name = "Metrics" }).ClickAsync();
        var metrics = page.Locator("figure[data-metric]");
        await Expect(metrics).ToHaveCountAsync(5);
        var success = page.Locator("figure[data-metric=validationSuccessRate]");
        await Expect(success).ToHaveClassAsync("card metric met");
        await Expect(success).ToContainTextAsync("100 %");
        await Expect(success).ToContainTextAsync("On target");
        await Expect(success.Locator("svg").First).ToBeVisibleAsync();
        var activeRatio = page.Locator("figure[data-metric=activeRatio]");   // the one license, renewed: 1 active of 1 issued
        await Expect(activeRatio).ToContainTextAsync("100 %");
        await Expect(activeRatio).ToContainTextAsync("On target");
        await Expect(page.Locator("figure[data-metric=domainToLicenseRatio]")).ToContainTextAsync("1:1"); // two.example, live too
        await Expect(page.Locator("figure[data-metric=validationSuccessRate]")).ToContainTextAsync("target above 99 %");
        await Expect(page.Locator("figure[data-metric=domainToLicenseRatio]")).ToContainTextAsync("target below 2:1");
        await Expect(page.Locator("figure[data-metric=timeToFirstValidationHours]")).ToContainTextAsync("target below 24 h");
        var renewal = page.Locator("figure[data-metric=renewalRate]"); // renewed today, nothing expired: 100 %, charted on the day
        await Expect(renewal).ToContainTextAsync("100 %");
        await Expect(renewal.Locator("svg").First).ToBeVisibleAsync();
        await s.CheckPageAsync("06-metrics");

        // The license page shows the validation the SDK made (the activity the flush wrote) and no sign of sharing.
        await page.AddInitScriptAsync(SumLayoutShifts);
        await page.GotoAsync($"licenses/{licenseId}");
        await Expect(page.GetByTestId("usage")).ToContainTextAsync("1, 1 valid");
        await Expect(page.GetByTestId("sharing")).ToContainTextAsync("No sign of sharing");
        output.WriteLine($"layout shift while the license page loaded and drew its timeline: {await LicensePageShowsTheTimelineAsync(s, token, licenseId)}");

        // An API key with only the scopes ticked: its secret shown once, working for those scopes, refused once revoked.
        await page.GetByRole(AriaRole.Link, new() { Name = "API keys" }).ClickAsync();
        await page.GetByLabel("Name").FillAsync("CI");
        await page.GetByLabel("licenses:write").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var secret = await page.GetByLabel("The new key").InputValueAsync();
        await Expect(page.Locator("li[data-key=CI]")).ToContainTextAsync("licenses:read, licenses:write");
        await Expect(page.Locator("li[data-key=CI]")).Not.ToContainTextAsync(secret);
        await s.CheckPageAsync("07-api-keys");
        Assert.Equal(HttpStatusCode.OK, (await s.Host.GetAsync("v1/licenses", secret)).Status);
        (await s.Host.GetAsync("v1/metrics", secret)).AssertProblem(HttpStatusCode.Forbidden, "FORBIDDEN");
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke CI" }).ClickAsync();
        await Expect(page.Locator("li[data-key=CI]")).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.Unauthorized, (await s.Host.GetAsync("v1/licenses", secret)).Status);

        // A phone: the same page fits without sideways scrolling.
        await page.SetViewportSizeAsync(390, 844);
        await page.GetByRole(AriaRole.Link, new() { Name = "Overview" }).ClickAsync();
        await Expect(page.Locator("li[data-step=product]")).ToHaveClassAsync("done");
        await Expect(page.Locator("li[data-step=sdk]")).ToHaveClassAsync("done");
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "the overview scrolls sideways on a phone");
        await s.CheckPageAsync("08-overview-phone");

        // The license page's validation chart fits a phone too.
        await page.GotoAsync($"licenses/{licenseId}");
        await Expect(page.Locator(".timeline-chart svg").First).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "the license page scrolls sideways");
        await s.CheckPageAsync("08b-license-phone");
    }

    /// <summary>Run in every document the page opens: adds up its layout shifts (not caused by input) in window.layoutShift.</summary>
    private const string SumLayoutShifts = @"window.layoutShift = 0;
        new PerformanceObserver(list => list.getEntries().forEach(e => { if (!e.hadRecentInput) window.layoutShift += e.value; }))
            .observe({ type: 'layout-shift', buffered: true });";

    /// <summary>
    /// The validation the SDK made, on the license page's timeline: the day the API counted in words, as a (visually hidden)
    /// table and as a drawn chart, and nothing on the page moved while the chart measured itself and drew.
    /// </summary>
    private static async Task<double> LicensePageShowsTheTimelineAsync(DashboardSession s, string token, string licenseId)
    {
        var page = s.Page;
        var day = (await s.Host.GetAsync($"v1/licenses/{licenseId}", token)).Json.GetProperty("usage").GetProperty("daily")[0];
        var date = day.GetProperty("date").GetString()!;
        await Expect(page.GetByTestId("timeline-summary"))
            .ToHaveTextAsync($"1 validation on 1 day of the last 30: 1 valid, 0 not valid. Busiest day {date} with 1 validation.");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Validations per day" }).Locator("tbody tr")).ToHaveTextAsync([$"{date}11"]);
        await Expect(page.Locator(".timeline-chart .rz-column-series.rz-series-0 path")).ToHaveCountAsync(30);
        // The axis names the newest day under its column, and a day a week before it: the newest is the browser's day, the one
        // validated (or the next, had the test crossed midnight UTC).
        var ticks = page.Locator(".timeline-chart .rz-category-axis .rz-tick-text");
        await Expect(ticks).ToHaveCountAsync(5);
        var labels = (await ticks.AllTextContentsAsync()).Select(t => t.Trim()).ToArray();
        var validated = DateOnly.ParseExact(date, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(labels.SequenceEqual(Weekly(validated)) || labels.SequenceEqual(Weekly(validated.AddDays(1))), string.Join(", ", labels));
        // Chromium's layout shifts since this page was opened (SumLayoutShifts): the chart drew into the room kept for it.
        var shift = await page.EvaluateAsync<double>("window.layoutShift");
        Assert.True(shift < 0.01, $"layout shift {shift} while the license page drew its timeline");
        await s.CheckPageAsync("06b-license-timeline");
        return shift;

        static IEnumerable<string> Weekly(DateOnly newest) =>
            Enumerable.Range(0, 5).Reverse().Select(w => newest.AddDays(-7 * w).ToString("MMM d", System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The license page: the key ready to copy, the audit trail, an edit (transfer and a third slot, sent as PATCH), a
    /// renewal, the key e-mailed again to the new owner, and the validations the customer's app made.
    /// </summary>
    private static async Task LicensePageManagesTheLicenseAsync(DashboardSession s, string token, string licenseId, string key)
    {
        var page = s.Page;
        await Expect(page.GetByTestId("license-key")).ToHaveValueAsync(key);
        await Expect(page.Locator("li[data-action='activation.deleted']")).ToHaveCountAsync(1);
        await Expect(page.Locator("li[data-action='license.created']")).ToContainTextAsync("License created");

        var owner = $"new-owner-{Guid.NewGuid():N}@dashboard-tests.example";
        await page.GetByLabel("Customer e-mail").FillAsync(owner);
        await page.GetByLabel("Sites or devices").FillAsync("3");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(page.GetByTestId("slots")).ToHaveTextAsync("1 of 3 in use");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = owner })).ToBeVisibleAsync();
        // The field shows the whole address (66 characters), not its first 50.
        Assert.True(await page.GetByLabel("Customer e-mail").EvaluateAsync<bool>("e => e.scrollWidth <= e.clientWidth"),
            "the customer e-mail field cuts the address");
        await Expect(page.Locator("li[data-action='license.updated']")).ToHaveCountAsync(1);

        await page.GetByLabel("New expiry").FillAsync("2031-01-15");
        await page.GetByRole(AriaRole.Button, new() { Name = "Renew", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("editor-status")).ToHaveTextAsync("Renewed until 2031-01-15.");
        await Expect(page.Locator("li[data-action='license.renewed']")).ToHaveCountAsync(1);

        var stored = (await s.Host.GetAsync($"v1/licenses/{licenseId}", token)).Json;
        Assert.Equal((owner, 3, "2031-01-15T00:00:00Z"), (stored.GetProperty("customerEmail").GetString(), stored.GetProperty("maxActivations").GetInt32(),
            stored.GetProperty("expiresAt").GetDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'")));
        Assert.Equal("pro", stored.GetProperty("plan").GetString()); // fields not changed in the form are not sent

        await page.GetByRole(AriaRole.Button, new() { Name = "E-mail the key again" }).ClickAsync();
        await Expect(page.GetByTestId("editor-status")).ToHaveTextAsync($"The key is on its way to {owner}.");
        var mail = await Smtp4dev.WaitForAsync(owner, 1, Patience.Bound);
        Assert.Contains(key, await Smtp4dev.PlainTextAsync(Assert.Single(mail).Id));
        await s.CheckPageAsync("05b-license-managed");
    }

    /// <summary>Polls the metrics until the activity flush (every second in these hosts) has counted a validation.</summary>
    private static async Task WaitForValidationsAsync(DashboardSession s, string token)
    {
        var until = Patience.Deadline;
        while (true)
        {
            var r = await s.Host.GetAsync("v1/metrics?productId=dash-plugin", token);
            Assert.Equal(HttpStatusCode.OK, r.Status);
            if (r.Json.GetProperty("validations").GetInt64() > 0) return;
            Assert.True(DateTime.UtcNow < until, "no validation counted within 60 s: " + r.Text);
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_used_sign_in_link_says_why_in_words_and_the_api_keeps_its_problem_404s()
    {
        await using var s = await DashboardSession.StartAsync();
        await s.Page.GotoAsync("signin?token=lsi_not-a-real-token");
        await Expect(s.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("This sign-in link cannot be used");
        // The API's detail, as a sentence.
        await Expect(s.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The sign-in link was used already, has expired or is unknown; ask for a new one.");
        await Expect(s.Page.GetByRole(AriaRole.Navigation)).ToHaveCountAsync(0); // not signed in: no account navigation
        // The page's heading takes focus for screen readers, without the outline of a control.
        var heading = s.Page.Locator("h1");
        await Expect(heading).ToBeFocusedAsync();
        Assert.Equal("none", await heading.EvaluateAsync<string>("h => getComputedStyle(h).outlineStyle"));
        await s.CheckPageAsync("09-bad-link");

        var api = await s.Host.GetAsync("v1/no-such-route");
        api.AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        using var http = new HttpClient { BaseAddress = s.Origin };
        var deep = await http.GetAsync("licenses/lic_123");
        Assert.Equal(HttpStatusCode.OK, deep.StatusCode);
        Assert.Contains("_framework/blazor.webassembly.", await deep.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_sdk_page_shows_the_signing_keys_served_now_not_a_copy_the_browser_kept()
    {
        await using var s = await DashboardSession.StartAsync();
        var page = s.Page;
        await page.GotoAsync("");
        await s.SignUpAsync("Keys Plugins", $"founder-{Guid.NewGuid():N}@dashboard-tests.example");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your first 30 minutes" })).ToBeVisibleAsync();
        var token = await page.EvaluateAsync<string>("sessionStorage.getItem('licensing.session')");
        Assert.Equal(HttpStatusCode.Created, (await s.Host.PutAsync("v1/products/keys-plugin", TestHost.SampleProduct, token)).Status);
        await page.GetByRole(AriaRole.Link, new() { Name = "SDK", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("jwks")).ToHaveValueAsync(new Regex("\\{\"keys\":"));
        var before = await page.GetByTestId("jwks").InputValueAsync();

        // Another instance starts and registers its delegated key; this host reads the registry again until it serves it.
        await using var other = await TestHost.StartAsync();
        var jwks = s.Host.Services.GetRequiredService<JwksProvider>();
        var until = Patience.Deadline;
        string served;
        while ((served = await RefreshedKeysAsync(s.Host, jwks)) == before)
        {
            Assert.True(DateTime.UtcNow < until, $"the second instance's key was not served within {Patience.Bound.TotalSeconds:0} s");
            await Task.Delay(100);
        }

        // Opened again within the minute GET /v1/keys may be cached for, the page shows the set served now.
        for (var attempt = 1; ; attempt++)
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Overview" }).ClickAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "SDK", Exact = true }).ClickAsync();
            await Expect(page.GetByTestId("jwks")).ToHaveValueAsync(new Regex("\\{\"keys\":"));
            var shown = await page.GetByTestId("jwks").InputValueAsync();
            if (shown == served || attempt == 5)
            {
                Assert.Equal(served, shown);
                break;
            }
            served = await RefreshedKeysAsync(s.Host, jwks); // yet another test host started meanwhile
        }
    }

    private static async Task<string> RefreshedKeysAsync(TestHost host, JwksProvider jwks)
    {
        await jwks.RefreshAsync(CancellationToken.None);
        return (await host.GetAsync("v1/keys")).Text;
    }
}
