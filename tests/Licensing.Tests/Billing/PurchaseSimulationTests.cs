using System.Net;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.Billing;

/// <summary>
/// <c>POST /v1/integrations/stripe/simulate</c>: a test-mode checkout signed with the account's own Stripe secret goes
/// through the webhook's signature check, the inbox, the queue and the processor: a license marked test, its key
/// e-mailed (smtp4dev) and valid. Bad input and a missing connection change nothing.
/// </summary>
public sealed class PurchaseSimulationTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private TestHost Host => shared.Host;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static string NewEmail() => $"simulated-{Guid.NewGuid():N}@simulation-tests.example";

    private Task<JsonElement[]> LicensesAsync(string apiKey, string email) => CustomerLicenses.ListAsync(Host, apiKey, email);

    [Fact]
    public async Task A_simulated_purchase_issues_a_test_license_through_the_pipeline_and_emails_a_key_that_validates()
    {
        await Smtp4dev.RequireAsync();
        var (_, apiKey) = await Host.CreateAccountWithProductAndIdAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await Host.PutAsync("v1/integrations/stripe", new { webhookSecret = StripeEvents.Secret }, apiKey)).Status);
        var email = NewEmail();

        var r = await Host.PostAsync("v1/integrations/stripe/simulate",
            new { productId = "my-plugin", plan = "pro", customerEmail = email, domain = "shop.simulated.example" }, apiKey);
        Assert.Equal(HttpStatusCode.Accepted, r.Status);
        var eventId = r.Json.GetProperty("eventId").GetString()!;
        Assert.StartsWith("evt_test_", eventId);
        Assert.Equal("checkout.session.completed", r.Json.GetProperty("type").GetString());

        var messages = await Smtp4dev.WaitForAsync(email, 1, Patience);
        var license = Assert.Single(await LicensesAsync(apiKey, email));
        Assert.True(license.GetProperty("test").GetBoolean());
        Assert.Equal(("my-plugin", "pro", "active"), (license.GetProperty("productId").GetString(), license.GetProperty("plan").GetString(),
            license.GetProperty("status").GetString()));
        Assert.Equal(eventId, license.GetProperty("metadata").GetProperty("stripeEvent").GetString());
        var key = license.GetProperty("licenseKey").GetString()!;
        Assert.Contains(key, await Smtp4dev.PlainTextAsync(Assert.Single(messages).Id));

        var verdict = await Host.PostAsync("v1/validate", new { key, domain = "shop.simulated.example" });
        Assert.Equal("VALID", verdict.Json.GetProperty("code").GetString());

        // The metrics report shows the test license beside the five metrics and counts it in none of them.
        var metrics = (await Host.GetAsync("v1/metrics", apiKey)).Json;
        Assert.Equal(1, metrics.GetProperty("testLicenses").GetInt64());
        Assert.Equal(0, metrics.GetProperty("licenses").GetProperty("issued").GetInt64());
    }

    [Fact]
    public async Task Bad_input_an_unknown_plan_a_missing_connection_or_a_missing_scope_are_refused_and_issue_nothing()
    {
        var (_, apiKey) = await Host.CreateAccountWithProductAndIdAsync();
        var email = NewEmail();

        // Not connected yet: nothing to sign with.
        (await Host.PostAsync("v1/integrations/stripe/simulate", new { productId = "my-plugin", plan = "pro", customerEmail = email }, apiKey))
            .AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Equal(HttpStatusCode.NoContent, (await Host.PutAsync("v1/integrations/stripe", new { webhookSecret = StripeEvents.Secret }, apiKey)).Status);

        var body = new { productId = "My Plugin", plan = "pro", customerEmail = "not-an-address" };
        var bad = (await Host.PostAsync("v1/integrations/stripe/simulate", body, apiKey))
            .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Equal(["customerEmail", "productId"], bad.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order());
        var plan = (await Host.PostAsync("v1/integrations/stripe/simulate", new { productId = "my-plugin", plan = "gold", customerEmail = email }, apiKey))
            .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Equal(["plan"], plan.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        // A domain the license could not bind is refused here, before any event is signed and queued.
        var domain = (await Host.PostAsync("v1/integrations/stripe/simulate",
                new { productId = "my-plugin", plan = "pro", customerEmail = email, domain = "http://shop example/" }, apiKey))
            .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Equal(["domain"], domain.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        (await Host.PostAsync("v1/integrations/paddle/simulate", new { productId = "my-plugin", plan = "pro", customerEmail = email }, apiKey))
            .AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");

        var readOnly = await Host.PostAsync("v1/api-keys", new { name = "reader", scopes = new[] { "licenses:read" } }, apiKey);
        Assert.Equal(HttpStatusCode.Created, readOnly.Status);
        (await Host.PostAsync("v1/integrations/stripe/simulate", new { productId = "my-plugin", plan = "pro", customerEmail = email },
            readOnly.Json.GetProperty("apiKey").GetString())).AssertProblem(HttpStatusCode.Forbidden, "FORBIDDEN");

        Assert.Empty(await LicensesAsync(apiKey, email));
    }
}
