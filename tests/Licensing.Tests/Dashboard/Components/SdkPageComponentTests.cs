using Bunit;
using Licensing.Dashboard.Services;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FluentUI.AspNetCore.Components;

namespace Licensing.Tests.Dashboard.Components;

/// <summary>
/// The SDK page (bUnit, against the local host's real API): the snippets (Snippets.DotNet/Js/Php) name the API's address
/// and the product picked, and follow the picker; the keys to pin are GET /v1/keys as served.
/// </summary>
public sealed class SdkPageComponentTests(SharedHost shared) : IClassFixture<SharedHost>
{
    [Fact]
    public async Task Snippets_name_the_api_and_the_product_picked_and_the_keys_are_the_served_jwks()
    {
        var apiKey = await shared.Host.CreateAccountWithProductAsync();
        var second = new { name = "Second App", plans = new[] { new { id = "pro", model = "subscription", durationDays = 365 } } };
        Assert.Equal(System.Net.HttpStatusCode.Created, (await shared.Host.PutAsync("v1/products/second-app", second, apiKey)).Status);

        await using var ctx = new BunitContext();
        ctx.JSInterop.Setup<string?>("sessionStorage.getItem", "licensing.session").SetResult(apiKey);
        ctx.Services.AddFluentUIComponents();
        ctx.Services.AddSingleton(new ApiSettings(shared.Host.BaseAddress));
        ctx.Services.AddScoped<SessionState>();
        var cut = ctx.Render<Licensing.Dashboard.Pages.Sdk>();

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-snippet=dotnet]")), Patience.Bound);
        var api = shared.Host.BaseAddress.AbsoluteUri;
        Assert.Equal((await shared.Host.GetAsync("v1/keys")).Text, cut.Find("[data-testid=jwks]").TextContent);
        var first = cut.Find("#sdk-product").GetAttribute("value");
        Assert.Contains($"ProductId = \"{first}\"", cut.Find("[data-snippet=dotnet]").TextContent, StringComparison.Ordinal);
        Assert.Contains(api, cut.Find("[data-snippet=dotnet]").TextContent, StringComparison.Ordinal);
        Assert.Contains(api, cut.Find("[data-snippet=js]").TextContent, StringComparison.Ordinal);

        var other = first == "my-plugin" ? "second-app" : "my-plugin";
        cut.Find("#sdk-product").Change(other);
        cut.WaitForAssertion(() => Assert.Contains($"ProductId = \"{other}\"", cut.Find("[data-snippet=dotnet]").TextContent, StringComparison.Ordinal));
        Assert.Contains($"productId: '{other}'", cut.Find("[data-snippet=js]").TextContent, StringComparison.Ordinal);
        Assert.Contains($"'productId' => '{other}'", cut.Find("[data-snippet=php]").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain($"\"{first}\"", cut.Find("[data-snippet=dotnet]").TextContent, StringComparison.Ordinal);
    }
}
