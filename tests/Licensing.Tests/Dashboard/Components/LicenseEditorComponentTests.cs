using Bunit;
using Licensing.Dashboard.Components;
using Licensing.Management;
using Licensing.Tests.Support;

namespace Licensing.Tests.Dashboard.Components;

/// <summary>
/// The license editor (bUnit, against the local host's real API): it sends only the fields the founder changed
/// (LicenseDraft.Changes), reports the saved license, sends nothing when nothing changed, and hands the API's refusal of
/// a slot limit that is not a number back as a problem naming the field, with the license left as it was.
/// </summary>
public sealed class LicenseEditorComponentTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private TestHost Host => shared.Host;

    private async Task<(ManagementClient Client, License License)> LicenseAsync()
    {
        var apiKey = await Host.CreateAccountWithProductAsync();
        var issued = await Host.IssueAsync(apiKey, new
        {
            productId = "my-plugin",
            customerEmail = $"editor-{Guid.NewGuid():N}@component-tests.example",
            plan = "pro",
            domains = new[] { "one.example" },
        });
        var client = new ManagementClient(Host.BaseAddress, apiKey);
        return (client, await client.GetLicenseAsync(issued.GetProperty("licenseId").GetString()!));
    }

    [Fact]
    public async Task Saving_sends_the_changed_fields_only_and_reports_the_saved_license()
    {
        var (client, license) = await LicenseAsync();
        using var _ = client;
        await using var ctx = DashboardComponents.Context();
        License? saved = null;
        var cut = ctx.Render<LicenseEditor>(p => p.Add(x => x.License, license).Add(x => x.Client, client).Add(x => x.Changed, l => saved = l));
        var owner = $"owner-{Guid.NewGuid():N}@component-tests.example";
        cut.Find("#edit-email").Change(owner);
        cut.Find("#edit-max").Change("5");
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => Assert.NotNull(saved), Patience.Bound);
        Assert.Equal((owner, 5, "pro"), (saved!.CustomerEmail, saved.MaxActivations, saved.Plan));
        var stored = await client.GetLicenseAsync(license.LicenseId);
        Assert.Equal((owner, 5, license.ExpiresAt), (stored.CustomerEmail, stored.MaxActivations, stored.ExpiresAt));
        Assert.Equal(license.Features, stored.Features);
        cut.WaitForAssertion(() => Assert.Equal("Saved.", cut.Find("[data-testid=editor-status]").TextContent));
    }

    [Fact]
    public async Task Nothing_changed_sends_nothing_and_says_so()
    {
        var (client, license) = await LicenseAsync();
        using var _ = client;
        await using var ctx = DashboardComponents.Context();
        var calls = 0;
        var cut = ctx.Render<LicenseEditor>(p => p.Add(x => x.License, license).Add(x => x.Client, client).Add(x => x.Changed, _ => calls++));
        cut.Find("#edit-features").Change(" analytics ,export "); // the same features, typed differently
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => Assert.Equal("Nothing changed.", cut.Find("[data-testid=editor-status]").TextContent));
        Assert.Equal(0, calls);
        Assert.Equal(license.UpdatedAt, (await client.GetLicenseAsync(license.LicenseId)).UpdatedAt);
    }

    [Fact]
    public async Task A_slot_limit_that_is_not_a_number_comes_back_as_the_apis_problem_and_nothing_changes()
    {
        var (client, license) = await LicenseAsync();
        using var _ = client;
        await using var ctx = DashboardComponents.Context();
        ApiException? failed = null;
        var cut = ctx.Render<LicenseEditor>(p => p.Add(x => x.License, license).Add(x => x.Client, client).Add(x => x.Failed, e => failed = e));
        cut.Find("#edit-max").Change("two");
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => Assert.NotNull(failed), Patience.Bound);
        Assert.Equal((400, "VALIDATION_FAILED"), (failed!.Status, failed.Code));
        Assert.Contains("maxActivations", failed.Errors!.Keys);
        Assert.Equal(license.MaxActivations, (await client.GetLicenseAsync(license.LicenseId)).MaxActivations);
    }
}
