using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Licensing.Tests.Support;
using Microsoft.Playwright;

namespace Licensing.Tests.Dashboard;

/// <summary>
/// A local host serving the published dashboard beside the API (LocalHost:DashboardRoot), and Debian's Chromium driven
/// by Playwright. scripts/test.sh publishes the dashboard once into .local/dashboard and installs chromium when missing.
/// </summary>
public sealed partial class DashboardSession : IAsyncDisposable
{
    public const string Chromium = "/usr/bin/chromium";
    public static readonly string Published = Environment.GetEnvironmentVariable("LICENSING_DASHBOARD_ROOT") is { Length: > 0 } d ? d
        : Repo.PathTo(".local", "dashboard", "wwwroot");
    public static readonly string Screenshots = Repo.PathTo(".local", "screenshots");

    private DashboardSession(TestHost host, IPlaywright playwright, IBrowser browser, IPage page, Uri origin)
    {
        (Host, Playwright, Browser, Page, Origin) = (host, playwright, browser, page, origin);
    }

    public TestHost Host { get; }
    public IPlaywright Playwright { get; }
    public IBrowser Browser { get; }
    public IPage Page { get; }
    public Uri Origin { get; }

    /// <summary>A host serving the published dashboard (<paramref name="root"/>: another published wwwroot, for comparisons).</summary>
    public static async Task<DashboardSession> StartAsync(string? root = null)
    {
        root ??= Published;
        Assert.True(File.Exists(Path.Combine(root, "index.html")),
            $"no published dashboard at {root}: scripts/test.sh publishes it "
            + "(dotnet publish dashboard/Licensing.Dashboard -c Release -o .local/dashboard)");
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: scripts/test.sh installs it (apt-get install -y chromium)");
        await Smtp4dev.RequireAsync();
        var origin = new Uri($"http://127.0.0.1:{FreePort()}/");
        var host = await TestHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["urls"] = origin.AbsoluteUri.TrimEnd('/'),
            ["LocalHost:DashboardRoot"] = root,
            ["Licensing:ActivityFlushSeconds"] = "1",
            ["Licensing:RateLimits:SignInPerAddressBurst"] = "1000000",
            ["Licensing:RateLimits:SignInPerAddressPerSecond"] = "1000000",
        });
        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new() { BaseURL = origin.AbsoluteUri, ViewportSize = new() { Width = 1280, Height = 860 } });
        // A WebAssembly app on a shared 2-core machine: conditions are awaited, with room for a slow first load.
        page.SetDefaultTimeout(60_000);
        Assertions.SetDefaultExpectTimeout(60_000);
        Directory.CreateDirectory(Screenshots);
        return new DashboardSession(host, playwright, browser, page, origin);
    }

    /// <summary>Axe on the page as it is: no serious or critical violation; then a full-page screenshot.</summary>
    public async Task CheckPageAsync(string name)
    {
        var result = await Page.RunAxe();
        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Html))}").ToList();
        await Page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });
        Assert.True(bad.Count == 0, $"{name}: " + string.Join("\n", bad));
    }

    /// <summary>The sign-in link e-mailed to <paramref name="address"/>, read from smtp4dev.</summary>
    public async Task<string> LinkSentToAsync(string address)
    {
        var messages = await Smtp4dev.WaitForAsync(address, 1, Patience.Bound);
        Assert.NotEmpty(messages);
        var text = await Smtp4dev.PlainTextAsync(messages[^1].Id);
        var match = Link().Match(text);
        Assert.True(match.Success, text);
        // The link names the default dashboard URL (…:7071/): this host keeps it, because hosts of other tests share Azurite's
        // queues and any of them may send any link (the sign-in tests check that URL). Open the token on this host's dashboard.
        return Origin.AbsoluteUri + "signin?token=" + match.Groups[1].Value;
    }

    [GeneratedRegex(@"https?://\S+/signin\?token=(lsi_[A-Za-z0-9_-]+)")]
    private static partial Regex Link();

    /// <summary>A customer portal's sign-in link in an e-mail: the account id, then the token.</summary>
    [GeneratedRegex(@"/portal/(acct_[0-9a-f]+)/signin\?token=(lci_[A-Za-z0-9_-]+)")]
    public static partial Regex PortalLink();

    /// <summary>From the sign-up page: signs up as <paramref name="business"/>, then opens the link e-mailed to <paramref name="email"/>.</summary>
    public async Task SignUpAsync(string business, string email)
    {
        await Page.GetByLabel("Your business name").FillAsync(business);
        await Page.GetByLabel("E-mail").First.FillAsync(email);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Send me a sign-up link" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Check your inbox" })).ToBeVisibleAsync();
        await Page.GotoAsync(await LinkSentToAsync(email));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
        await Host.DisposeAsync();
    }
}
