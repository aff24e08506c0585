using System.Net;
using System.Text.Json.Nodes;
using Bunit;
using Licensing.Dashboard.Services;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FluentUI.AspNetCore.Components;

namespace Licensing.Tests.Dashboard.Components;

/// <summary>
/// The products and plans editor (bUnit, against the local host's real API). <c>PUT /v1/products/{id}</c> replaces the
/// whole product, so saving from the editor must send back every setting it was given (key format, reminders, development
/// sites, release dates, every plan setting and provider id), each plan setting can be set in the form in the docs'
/// words, and a value the API refuses is shown as its problem with the product left as it was.
/// </summary>
public sealed class ProductsPageComponentTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private TestHost Host => shared.Host;

    /// <summary>A product with every setting away from its default.</summary>
    private static readonly object Full = new
    {
        name = "Full Plugin",
        keyFormat = "short",
        renewalReminderDays = 7,
        developmentHosts = new { allowed = false, patterns = new[] { "*.vercel.app" } },
        releases = new Dictionary<string, string> { ["1.0.0"] = "2027-01-01T00:00:00Z" },
        plans = new object[]
        {
            new
            {
                id = "pro", name = "Pro", model = "perpetual", durationDays = (int?)null, maxActivations = 3, features = new[] { "export" },
                autoActivate = false, revalidateAfterHours = 24, offlineGraceHours = 48, maxDeactivationsPer30Days = 2, maxDevelopmentHosts = 4,
                autoSuspendOnSharing = true, updatesDays = 365, trialDays = 14, maxStackedCodes = 3,
                stripePriceIds = new[] { "price_pro" }, lemonSqueezyVariantIds = new[] { "4242" }, paddlePriceIds = new[] { "pri_pro" },
                gumroadProductIds = new[] { "full-pro" }, appsumoTiers = new[] { 1, 2 },
            },
            new { id = "metered", name = "Metered", model = "usage", durationDays = 30, maxActivations = 1, usageLimit = 1000, usagePeriod = "day" },
        },
    };

    private BunitContext Context(string apiKey)
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.JSInterop.Setup<string?>("sessionStorage.getItem", "licensing.session").SetResult(apiKey);
        ctx.Services.AddFluentUIComponents();
        ctx.Services.AddSingleton(new ApiSettings(Host.BaseAddress));
        ctx.Services.AddScoped<SessionState>();
        return ctx;
    }

    private async Task<JsonObject> ProductAsync(string apiKey, string id)
    {
        var r = await Host.GetAsync($"v1/products/{id}", apiKey);
        Assert.Equal(HttpStatusCode.OK, r.Status);
        return JsonNode.Parse(r.Text)!.AsObject();
    }

    private static JsonObject Without(JsonObject product, params string[] names)
    {
        var copy = (JsonObject)product.DeepClone();
        foreach (var n in names) copy.Remove(n);
        return copy;
    }

    [Fact]
    public async Task Saving_an_existing_product_from_the_editor_keeps_every_setting_it_does_not_change()
    {
        var (_, apiKey) = await Host.CreateAccountAsync();
        Assert.Equal(HttpStatusCode.Created, (await Host.PutAsync("v1/products/full-plugin", Full, apiKey)).Status);
        var before = await ProductAsync(apiKey, "full-plugin");

        await using var ctx = Context(apiKey);
        var cut = ctx.Render<Licensing.Dashboard.Pages.Products>(p => p.Add(x => x.ProductId, "full-plugin"));
        cut.WaitForAssertion(() => Assert.Equal("Full Plugin", cut.Find("#product-name").GetAttribute("value")), Patience.Bound);
        Assert.Equal("short", cut.Find("#product-key-format").GetAttribute("value"));
        Assert.Equal("14", cut.Find("#plan-0-trial").GetAttribute("value"));
        Assert.Equal("1000", cut.Find("#plan-1-usage-limit").GetAttribute("value"));
        cut.Find("#product-name").Change("Full Plugin 2");
        cut.Find("form").Submit();
        cut.WaitForAssertion(() => Assert.Contains("Product full-plugin saved.", cut.Markup, StringComparison.Ordinal), Patience.Bound);

        var after = await ProductAsync(apiKey, "full-plugin");
        Assert.Equal("Full Plugin 2", after["name"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(Without(before, "name", "updatedAt"), Without(after, "name", "updatedAt")),
            $"before: {Without(before, "name", "updatedAt").ToJsonString()}\nafter: {Without(after, "name", "updatedAt").ToJsonString()}");
    }

    [Fact]
    public async Task Each_plan_and_product_setting_set_in_the_form_is_saved_in_the_apis_words()
    {
        var apiKey = await Host.CreateAccountWithProductAsync();
        await using var ctx = Context(apiKey);
        var cut = ctx.Render<Licensing.Dashboard.Pages.Products>(p => p.Add(x => x.ProductId, "my-plugin"));
        cut.WaitForAssertion(() => Assert.Equal("my-plugin", cut.Find("#product-id").GetAttribute("value")), Patience.Bound);

        cut.Find("#product-key-format").Change("short");
        cut.Find("#product-reminder").Change("10");
        cut.Find("#product-dev-allowed").Change(false);
        cut.Find("#product-dev-patterns").Change("*.vercel.app\nstaging.example.com");
        cut.Find("#plan-0-auto-activate").Change(false);
        cut.Find("#plan-0-revalidate").Change("12");
        cut.Find("#plan-0-grace").Change("24");
        cut.Find("#plan-0-deactivations").Change("1");
        cut.Find("#plan-0-dev-hosts").Change("2");
        cut.Find("#plan-0-auto-suspend").Change(true);
        cut.Find("#plan-0-trial").Change("7");
        cut.Find("#plan-0-stack").Change("2");
        cut.Find("#plan-0-stripe").Change("price_a, price_b");
        cut.Find("#plan-0-lemon").Change("111");
        cut.Find("#plan-0-paddle").Change("pri_x");
        cut.Find("#plan-0-gumroad").Change("my-plugin-pro");
        cut.Find("#plan-0-appsumo").Change("1, 3");
        cut.Find("form").Submit();
        cut.WaitForAssertion(() => Assert.Contains("Product my-plugin saved.", cut.Markup, StringComparison.Ordinal), Patience.Bound);

        var p = await ProductAsync(apiKey, "my-plugin");
        Assert.Equal(("short", 10), (p["keyFormat"]!.GetValue<string>(), p["renewalReminderDays"]!.GetValue<int>()));
        Assert.False(p["developmentHosts"]!["allowed"]!.GetValue<bool>());
        Assert.Equal(["*.vercel.app", "staging.example.com"], p["developmentHosts"]!["patterns"]!.AsArray().Select(x => x!.GetValue<string>()));
        var plan = p["plans"]![0]!;
        Assert.False(plan["autoActivate"]!.GetValue<bool>());
        Assert.True(plan["autoSuspendOnSharing"]!.GetValue<bool>());
        Assert.Equal((12, 24, 1, 2, 7, 2), (plan["revalidateAfterHours"]!.GetValue<int>(), plan["offlineGraceHours"]!.GetValue<int>(),
            plan["maxDeactivationsPer30Days"]!.GetValue<int>(), plan["maxDevelopmentHosts"]!.GetValue<int>(), plan["trialDays"]!.GetValue<int>(),
            plan["maxStackedCodes"]!.GetValue<int>()));
        Assert.Equal(["price_a", "price_b"], plan["stripePriceIds"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Equal(["111"], plan["lemonSqueezyVariantIds"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Equal(["pri_x"], plan["paddlePriceIds"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Equal(["my-plugin-pro"], plan["gumroadProductIds"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Equal([1, 3], plan["appsumoTiers"]!.AsArray().Select(x => x!.GetValue<int>()));
    }

    [Fact]
    public async Task A_setting_the_api_refuses_is_shown_as_its_problem_and_the_product_stays_as_it_was()
    {
        var apiKey = await Host.CreateAccountWithProductAsync();
        var before = await ProductAsync(apiKey, "my-plugin");
        await using var ctx = Context(apiKey);
        var cut = ctx.Render<Licensing.Dashboard.Pages.Products>(p => p.Add(x => x.ProductId, "my-plugin"));
        cut.WaitForAssertion(() => Assert.Equal("my-plugin", cut.Find("#product-id").GetAttribute("value")), Patience.Bound);

        // A tier that is not a number is sent as typed: the API names the field.
        cut.Find("#plan-0-appsumo").Change("gold");
        cut.Find("form").Submit();
        cut.WaitForAssertion(() => Assert.Contains("appsumoTiers", cut.Find("[role=alert]").TextContent, StringComparison.Ordinal), Patience.Bound);
        // A number out of range: the API's rule, in its words.
        cut.Find("#plan-0-appsumo").Change("1");
        cut.Find("#plan-0-revalidate").Change("0");
        cut.Find("form").Submit();
        cut.WaitForAssertion(() => Assert.Contains("revalidateAfterHours: must be 1-720", cut.Find("[role=alert]").TextContent, StringComparison.Ordinal),
            Patience.Bound);
        Assert.DoesNotContain("saved.", cut.Markup, StringComparison.Ordinal);
        Assert.True(JsonNode.DeepEquals(before, await ProductAsync(apiKey, "my-plugin")));
    }

    [Fact]
    public void Lists_are_typed_as_text_and_sent_as_arrays_and_unknown_plan_settings_travel_untouched()
    {
        var plan = PlanDraft.From(JsonNode.Parse("""{"id":"pro","name":"Pro","model":"seat","appsumoTiers":[2,1],"futureSetting":{"x":1}}""")!.AsObject());
        Assert.Equal("2, 1", plan.AppsumoTiers);
        plan.StripePriceIds = " price_a ,\nprice_b,, ";
        var json = plan.ToJson();
        Assert.Equal(["price_a", "price_b"], json["stripePriceIds"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Equal([2, 1], json["appsumoTiers"]!.AsArray().Select(x => x!.GetValue<int>()));
        Assert.Equal("""{"x":1}""", json["futureSetting"]!.ToJsonString());
        Assert.Null(json["trialDays"]); // blank: the API's default (no trial)
    }
}
