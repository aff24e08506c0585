using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Licensing.Tests.Support;
using Licensing.Tests.Webhooks;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Licensing.Tests.Dashboard;

/// <summary>
/// The dashboard's operations pages in Chromium, each on the public API only: a code batch generated and downloaded as
/// CSV (a downloaded code redeems), a Stripe event that failed shown with its reason and replayed into a license, and a
/// webhook endpoint added (its secret shown once, and it is the one that signs), pinged, its delivery listed, deleted.
/// Each page is scanned with axe and saved under .local/screenshots/.
/// </summary>
public sealed partial class OperationsPagesBrowserTests
{
    [GeneratedRegex(@"^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z*~$=]$")] // Crockford base32 and its check symbol
    private static partial Regex CodeShape();

    [Fact]
    public async Task Code_batches_failures_with_replay_and_webhook_endpoints_work_from_their_pages()
    {
        await using var s = await DashboardSession.StartAsync();
        var page = s.Page;
        var (accountId, apiKey) = await s.Host.CreateAccountWithProductAndIdAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await s.Host.PutAsync("v1/integrations/stripe", new { webhookSecret = StripeEvents.Secret }, apiKey)).Status);
        // Signing in by link is covered by DashboardBrowserTests; here the account's full-scope key is the page's bearer token.
        await page.GotoAsync("");
        await page.EvaluateAsync("k => sessionStorage.setItem('licensing.session', k)", apiKey);

        await CodesAsync(s, accountId);
        await FailuresAsync(s, accountId, apiKey);
        await WebhooksAsync(s, apiKey);
    }

    private static async Task CodesAsync(DashboardSession s, string accountId)
    {
        var page = s.Page;
        await page.GotoAsync("codes");
        await page.GetByLabel("Plan").SelectOptionAsync("lifetime");
        await page.GetByLabel("How many codes").FillAsync("5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Generate codes" }).ClickAsync();
        await Expect(page.GetByTestId("batch").GetByRole(AriaRole.Status)).ToContainTextAsync("5 codes for my-plugin, plan lifetime");
        await s.CheckPageAsync("14-codes");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download the codes (CSV)" }).ClickAsync());
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
        var lines = (await File.ReadAllTextAsync(await download.PathAsync())).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("code,productId,plan,batchId", lines[0]);
        var rows = lines[1..].Select(l => l.Split(',')).ToArray();
        Assert.Equal(5, rows.Length);
        Assert.All(rows, r => Assert.Matches(CodeShape(), r[0]));
        Assert.All(rows, r => Assert.Equal(("my-plugin", "lifetime"), (r[1], r[2])));
        Assert.Equal(5, rows.Select(r => r[0]).Distinct().Count());
        Assert.Equal(rows.Select(r => r[0]), (await page.GetByLabel("The codes").InputValueAsync()).Split('\n'));

        // A code from the file is a real one of this account: it redeems once.
        var redeemed = await s.Host.PostAsync("v1/redeem", new { accountId, code = rows[0][0], email = $"deal-{Guid.NewGuid():N}@dashboard-tests.example" });
        Assert.True(redeemed.Status == HttpStatusCode.OK, redeemed.Text);
        Assert.Equal("lifetime", redeemed.Json.GetProperty("plan").GetString());
    }

    /// <summary>How many lines an element's text takes: the distinct tops of its line boxes.</summary>
    private const string LinesOfText =
        "e => { const r = document.createRange(); r.selectNodeContents(e); return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; }";

    private static async Task FailuresAsync(DashboardSession s, string accountId, string apiKey)
    {
        var page = s.Page;
        // A checkout whose price no plan names yet: the processor records a failure with that reason.
        var email = $"failed-{Guid.NewGuid():N}@dashboard-tests.example";
        var stripeEvent = StripeEvents.Event("checkout.session.completed",
            StripeEvents.CheckoutSession(StripeEvents.NewId("cs"), email, productId: null, plan: null, linePrices: ["price_gold_yearly"]));
        var eventId = stripeEvent["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await StripeEvents.DeliverAsync(s.Host, accountId, stripeEvent)).Status);

        var row = page.Locator($"tr[data-event='{eventId}']");
        var deadline = Patience.Deadline;
        await page.GotoAsync("failures");
        while (await row.CountAsync() == 0) // recorded by the queue's processor: reload until it is listed
        {
            Assert.True(DateTime.UtcNow < deadline, "the failure was never listed");
            await page.GetByRole(AriaRole.Button, new() { Name = "Refresh" }).ClickAsync();
            await Expect(page.Locator("table, [data-testid=no-failures]")).ToHaveCountAsync(1);
        }
        await Expect(row).ToContainTextAsync("price_gold_yearly");
        // The reason reads as a sentence: the provider's name raised, the end marked.
        await Expect(row.Locator("td.reason")).ToHaveTextAsync(new Regex(@"^Stripe cs_\w+ has no productId/plan .*price_gold_yearly.*\.$"));
        await Expect(row).ToContainTextAsync("checkout.session.completed");
        // The event id and the time each read on one line, and the table's caption titles it from above.
        var idCell = (await row.Locator("td").First.BoundingBoxAsync())!;
        var codeBox = (await row.Locator("td code").BoundingBoxAsync())!;
        Assert.True(codeBox.Height < 2 * 16, $"the event id wraps: {codeBox.Height}px high in a {idCell.Height}px cell");
        // The reason is the widest column (the event type may break after its dots) and reads in at most three lines.
        var cells = row.Locator("td");
        var type = (await cells.Nth(1).BoundingBoxAsync())!;
        var why = (await cells.Nth(2).BoundingBoxAsync())!;
        Assert.True(why.Width > type.Width && why.Width >= 280, $"the reason's column is {why.Width}px wide beside the type's {type.Width}px");
        var lines = await cells.Nth(2).EvaluateAsync<int>(LinesOfText);
        Assert.True(lines <= 3, $"the reason wraps over {lines} lines");
        var caption = (await page.Locator("table caption").BoundingBoxAsync())!;
        var header = (await page.Locator("table thead").BoundingBoxAsync())!;
        Assert.True(caption.Y < header.Y, $"the caption ({caption.Y}) is not above the header ({header.Y})");
        // The provider select is as wide as a provider's name needs and its Refresh button stands beside it, bottoms aligned.
        var select = (await page.GetByLabel("Provider").BoundingBoxAsync())!;
        var refresh = (await page.GetByRole(AriaRole.Button, new() { Name = "Refresh" }).BoundingBoxAsync())!;
        Assert.True(select.Width <= 260, $"the provider select is {select.Width}px wide");
        Assert.True(refresh.X > select.X + select.Width && Math.Abs(refresh.Y + refresh.Height - (select.Y + select.Height)) <= 2,
            $"Refresh ({refresh.X},{refresh.Y} {refresh.Width}x{refresh.Height}) is not beside the select"
            + $" ({select.X},{select.Y} {select.Width}x{select.Height})");
        await s.CheckPageAsync("15-failures");

        // The founder names the price on a plan, then replays from the page: the license is made and the failure is gone.
        var product = new JsonObject
        {
            ["name"] = "My Plugin",
            ["plans"] = new JsonArray(new JsonObject
            {
                ["id"] = "gold",
                ["model"] = "subscription",
                ["durationDays"] = 365,
                ["maxActivations"] = 2,
                ["stripePriceIds"] = new JsonArray("price_gold_yearly"),
            }, new JsonObject { ["id"] = "lifetime", ["model"] = "lifetime", ["maxActivations"] = 1 }),
        };
        Assert.Equal(HttpStatusCode.OK, (await s.Host.PutAsync("v1/products/my-plugin", product, apiKey)).Status);
        await page.GetByRole(AriaRole.Button, new() { Name = $"Replay {eventId}" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = $"Event {eventId} is queued again." })).ToBeVisibleAsync();
        deadline = Patience.Deadline;
        while ((await s.Host.GetAsync("v1/licenses?customerEmail=" + Uri.EscapeDataString(email), apiKey)).Json.GetProperty("items").GetArrayLength() == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the replayed event made no license");
            await Task.Delay(200);
        }
        await page.ReloadAsync();
        await Expect(page.GetByTestId("no-failures")).ToBeVisibleAsync();
    }

    private static async Task WebhooksAsync(DashboardSession s, string apiKey)
    {
        var page = s.Page;
        await using var receiver = await WebhookReceiver.StartAsync();
        var url = receiver.Uri.AbsoluteUri;
        await page.GotoAsync("webhooks");
        await page.GetByLabel("URL").FillAsync(url);
        await page.GetByLabel("every event (*)").UncheckAsync();
        await page.GetByLabel("license.revoked").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Add endpoint" }).ClickAsync();
        var secret = await page.GetByLabel("Signing secret").InputValueAsync();
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        var item = page.Locator($"li[data-endpoint='{url}']");
        await Expect(item.GetByTestId("endpoint-status")).ToHaveTextAsync("enabled · license.revoked");
        await Expect(item).Not.ToContainTextAsync(secret);

        // The ping is signed with the secret the page showed; its delivery is listed as delivered, answered 200.
        await page.GetByRole(AriaRole.Button, new() { Name = $"Send a test ping to {url}" }).ClickAsync();
        WebhookTestKit.Verify(secret, (await receiver.WaitForAsync(1))[0]);
        var delivered = item.Locator("tr[data-status=delivered]");
        var deadline = Patience.Deadline;
        while (await delivered.CountAsync() == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the delivery was never listed as delivered");
            await page.GetByRole(AriaRole.Button, new() { Name = $"Deliveries to {url}" }).ClickAsync();
            await Expect(item.GetByTestId("deliveries")).ToBeVisibleAsync();
        }
        await Expect(delivered).ToContainTextAsync("ping");
        await Expect(delivered).ToContainTextAsync("200");
        await s.CheckPageAsync("16-webhooks");

        // The page's buttons are disabled while a call runs (the deliveries list may still be reloading): click when enabled.
        var delete = page.GetByRole(AriaRole.Button, new() { Name = $"Delete {url}" });
        await Expect(delete).ToBeEnabledAsync();
        await delete.ClickAsync();
        var gone = Patience.Deadline;
        while (await item.CountAsync() > 0)
        {
            var problem = page.Locator(".problem[role=alert]");
            if (await problem.CountAsync() > 0) Assert.Fail("the page showed a problem: " + await problem.First.InnerTextAsync());
            Assert.True(DateTime.UtcNow < gone, "the deleted endpoint is still listed");
            await Task.Delay(100);
        }
        Assert.Equal(0, (await s.Host.GetAsync("v1/webhook-endpoints", apiKey)).Json.GetProperty("items").GetArrayLength());
    }
}
