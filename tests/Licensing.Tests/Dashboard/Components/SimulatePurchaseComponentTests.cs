using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bunit;
using Licensing.Dashboard.Components;
using Licensing.Dashboard.Services;
using Licensing.Management;
using Licensing.Tests.Support;

namespace Licensing.Tests.Dashboard.Components;

/// <summary>
/// The Integrations page's "simulate a purchase" form (bUnit, against the local host's real API, smtp4dev for the key):
/// the founder picks any provider that supports it; a connected Lemon Squeezy runs the whole flow to a VALID verdict, and a
/// provider that is not connected, or a plan without the provider's id, shows the API's problem in an alert.
/// </summary>
public sealed class SimulatePurchaseComponentTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private TestHost Host => shared.Host;

    [Fact]
    public async Task Every_simulated_provider_is_offered_and_a_connected_one_runs_the_flow_while_others_show_the_APIs_problem()
    {
        await Smtp4dev.RequireAsync();
        var (_, apiKey) = await Host.CreateAccountWithProductAndIdAsync();
        var product = JsonSerializer.SerializeToNode(TestHost.SampleProduct)!;
        product["plans"]![0]!["lemonSqueezyVariantIds"] = new JsonArray("8001");
        Assert.Equal(HttpStatusCode.OK, (await Host.PutAsync("v1/products/my-plugin", product, apiKey)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Host.PutAsync("v1/integrations/lemonsqueezy", new LemonSqueezyDriver().Settings, apiKey)).Status);
        using var client = new ManagementClient(Host.BaseAddress, apiKey);
        await using var ctx = DashboardComponents.Context();
        var cut = ctx.Render<SimulatePurchase>(p => p.Add(x => x.Client, client));
        cut.WaitForAssertion(() => cut.Find("#sim-product"), Patience.Bound);

        Assert.Equal(["stripe", "lemonsqueezy", "paddle", "gumroad"], cut.FindAll("#sim-provider option").Select(o => o.GetAttribute("value")));
        Assert.Equal("Payment provider", cut.Find("label[for=sim-provider]").TextContent);

        // Gumroad is not connected: the API's 404 is shown (its detail as a sentence), nothing is issued.
        var email = $"sim-component-{Guid.NewGuid():N}@component-tests.example";
        cut.Find("#sim-provider").Change("gumroad");
        cut.Find("#sim-email").Change(email);
        cut.Find("form").Submit();
        cut.WaitForAssertion(() => Assert.Contains("No gumroad integration", cut.Find("[role=alert]").TextContent, StringComparison.Ordinal), Patience.Bound);

        // Lemon Squeezy, plan "business" without a variant id: the founder is told what to set.
        cut.Find("#sim-provider").Change("lemonsqueezy");
        cut.WaitForAssertion(() => Assert.Contains("Lemon Squeezy test-mode order", cut.Find("[data-testid=sim-sends]").TextContent,
            StringComparison.Ordinal), Patience.Bound); // the change renders once the page's last call has finished rendering
        cut.Find("#sim-plan").Change("business");
        cut.Find("form").Submit();
        cut.WaitForAssertion(() => Assert.Contains("plan business has no Lemon Squeezy variant id", cut.Find("[role=alert]").TextContent,
            StringComparison.Ordinal), Patience.Bound);

        cut.Find("#sim-plan").Change("pro");
        cut.Find("#sim-domain").Change("shop.component.example");
        cut.Find("form").Submit();
        cut.WaitForAssertion(() =>
        {
            Assert.Empty(cut.FindAll("[role=alert]"));
            var validation = cut.Find("[data-testid=flow] li[data-step=validation]");
            Assert.Contains("VALID", validation.TextContent, StringComparison.Ordinal);
            Assert.Equal("done", validation.ClassName);
        }, Patience.Bound);
        Assert.StartsWith("Purchase sent: Lemon Squeezy event order_created:", cut.Find("li[data-step=purchase]").TextContent, StringComparison.Ordinal);
        Assert.Contains("(pro, test)", cut.Find("li[data-step=license]").TextContent, StringComparison.Ordinal);
        var license = Assert.Single((await client.ListLicensesAsync(new LicenseFilter("my-plugin", email), null)).Items);
        Assert.True(license.Test);
        Assert.Contains(license.LicenseKey!, await Smtp4dev.PlainTextAsync(Assert.Single(await Smtp4dev.WaitForAsync(email, 1, Patience.Bound)).Id));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Paddles_sandbox_checkbox_decides_whether_a_purchase_can_be_simulated(bool sandbox)
    {
        var (_, apiKey) = await Host.CreateAccountWithProductAndIdAsync();
        using var client = new ManagementClient(Host.BaseAddress, apiKey);
        await using var ctx = DashboardComponents.Context();
        var cut = ctx.Render<ProviderCard>(p => p.Add(x => x.Provider, ProviderForm.Others.Single(f => f.Id == "paddle")).Add(x => x.Client, client));
        Assert.Equal("checkbox", cut.Find("#paddle-sandbox").GetAttribute("type"));
        Assert.StartsWith("Sandbox account", cut.Find("label[for=paddle-sandbox]").TextContent.Trim(), StringComparison.Ordinal);
        cut.Find("#paddle-webhookSecret").Change(PaddleDriver.Secret);
        cut.Find("#paddle-sandbox").Change(sandbox);
        cut.Find("form").Submit();
        cut.WaitForAssertion(() => cut.Find("#paddle-url"), Patience.Bound);

        // A sandbox connection gets as far as the plan (which has no Paddle price id); a live one is refused before it.
        var r = await Host.PostAsync("v1/integrations/paddle/simulate",
            new { productId = "my-plugin", plan = "pro", customerEmail = $"sandbox-{Guid.NewGuid():N}@component-tests.example" }, apiKey);
        if (sandbox) r.AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED").GetProperty("errors").GetProperty("plan");
        else r.AssertProblem(HttpStatusCode.Conflict, "CONFLICT");
    }
}
