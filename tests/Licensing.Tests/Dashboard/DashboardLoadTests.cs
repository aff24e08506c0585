using System.Globalization;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Licensing.Tests.Dashboard;

/// <summary>
/// The dashboard's first load in Chromium from the local host: the runtime and assemblies arrive brotli-compressed, and
/// the navigation timings (to responseEnd and to the sign-up form being usable) are written to the output for
/// docs/dashboard.md. A browser that refuses compression still gets a working dashboard. No timing is asserted.
/// </summary>
public sealed class DashboardLoadTests(ITestOutputHelper output)
{
    private async Task<(double ResponseEnd, double Interactive, long Bytes, int Brotli, int Framework)> LoadAsync(DashboardSession s, string? acceptEncoding)
    {
        await using var context = await s.Browser.NewContextAsync(new()
        {
            BaseURL = s.Origin.AbsoluteUri,
            ExtraHTTPHeaders = acceptEncoding is null ? null : new Dictionary<string, string> { ["Accept-Encoding"] = acceptEncoding },
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        var framework = new List<IResponse>();
        page.Response += (_, r) =>
        {
            if (r.Url.Contains("/_framework/", StringComparison.Ordinal)) lock (framework) framework.Add(r);
        };
        await page.GotoAsync("");
        var button = page.GetByRole(AriaRole.Button, new() { Name = "Send me a sign-up link" });
        await Expect(button).ToBeEnabledAsync(new() { Timeout = 60_000 });
        var interactive = await page.EvaluateAsync<double>("performance.now()");
        var responseEnd = await page.EvaluateAsync<double>("performance.getEntriesByType('navigation')[0].responseEnd");
        var bytes = await page.EvaluateAsync<long>("performance.getEntriesByType('resource').reduce((n, e) => n + e.transferSize, 0)");
        IResponse[] seen;
        lock (framework) seen = [.. framework];
        var brotli = 0;
        foreach (var r in seen)
            if ((await r.AllHeadersAsync()).TryGetValue("content-encoding", out var e) && e == "br") brotli++;
        return (responseEnd, interactive, bytes, brotli, seen.Length);
    }

    [Fact]
    public async Task The_first_load_gets_brotli_framework_files_and_a_browser_refusing_compression_still_loads()
    {
        await using var s = await DashboardSession.StartAsync();
        var identity = await LoadAsync(s, "identity");
        var compressed = await LoadAsync(s, null);
        foreach (var (name, m) in new[] { ("uncompressed", identity), ("br", compressed) })
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name}: responseEnd {m.ResponseEnd:F0} ms, sign-up form usable {m.Interactive:F0} ms, {m.Bytes / 1024} KiB, "
                + $"{m.Brotli}/{m.Framework} _framework files br"));
        Assert.True(compressed.Framework > 0);
        Assert.Equal(compressed.Framework, compressed.Brotli);
        Assert.Equal(0, identity.Brotli);
    }
}
