using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Licensing.Tests.Dashboard;

/// <summary>
/// The dashboard's first load in Chromium from the local host: the runtime and assemblies arrive brotli-compressed, and
/// where the time goes (download, runtime start, assemblies, first render, the sign-up form usable) is written to the
/// output for docs/dashboard.md. A browser that refuses compression still gets a working dashboard. No timing is asserted.
/// With LICENSING_DASHBOARD_BASELINE naming another published wwwroot, its loads are interleaved with this build's, so
/// a change is measured before and after in the same run on the same machine.
/// </summary>
public sealed class DashboardLoadTests(ITestOutputHelper output)
{
    private const int Loads = 3;

    /// <summary>
    /// Marks taken in the page itself, from navigation start: the runtime's WebAssembly instantiated, index.html's
    /// loading text replaced by the app's first render, the sign-up heading, the Fluent button element defined, and the
    /// form usable (its submit button defined and enabled); and the layout shift (CLS) of the whole load, each shift's
    /// elements written to the output. Playwright's polling would add its own delay to these.
    /// </summary>
    private const string Marks = """
        (() => {
          const t = window.__load = { cls: 0 };
          const mark = k => { if (t[k] === undefined) t[k] = performance.now(); };
          for (const name of ['instantiateStreaming', 'instantiate']) {
            const f = WebAssembly[name];
            if (f) WebAssembly[name] = function (...a) { return f.apply(this, a).then(r => { mark('wasmInstantiated'); return r; }); };
          }
          new PerformanceObserver(l => {
            for (const e of l.getEntries()) if (!e.hadRecentInput) {
              t.cls += e.value;
              console.log('layout shift ' + e.value.toFixed(4) + ': ' + e.sources.map(s => s.node?.outerHTML?.slice(0, 80)).join(' | '));
            }
          })
            .observe({ type: 'layout-shift', buffered: true });
          const check = () => {
            const app = document.getElementById('app');
            if (!app) return;
            if (!app.textContent.includes('Loading the dashboard')) mark('firstRender');
            if ([...app.querySelectorAll('h1')].some(h => h.textContent.startsWith('Sell licenses'))) mark('signUpPage');
            const b = [...app.querySelectorAll('fluent-button')].find(e => e.textContent.includes('Send me a sign-up link'));
            if (b && !b.hasAttribute('disabled') && customElements.get('fluent-button')) mark('usable');
          };
          customElements.whenDefined('fluent-button').then(() => { mark('fluentDefined'); check(); });
          new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
        })();
        """;

    /// <summary>The resource timings, summed per step, with the in-page marks.</summary>
    private const string Steps = """
        (() => {
          const r = performance.getEntriesByType('resource');
          const nav = performance.getEntriesByType('navigation')[0];
          const end = f => Math.max(0, ...r.filter(f).map(e => e.responseEnd));
          const fw = e => e.name.includes('/_framework/');
          const asm = e => fw(e) && e.name.endsWith('.wasm') && !e.name.includes('dotnet.native');
          return {
            responseEnd: nav.responseEnd,
            blazorJs: end(e => e.name.includes('blazor.webassembly')),
            runtimeWasm: end(e => e.name.includes('dotnet.native') && e.name.endsWith('.wasm')),
            assemblies: end(asm),
            assemblyCount: r.filter(asm).length,
            assemblyKiB: r.filter(asm).reduce((n, e) => n + e.transferSize, 0) / 1024,
            frameworkFiles: r.filter(fw).length,
            contentJs: end(e => e.name.includes('/_content/') && e.name.endsWith('.js')),
            kib: r.reduce((n, e) => n + e.transferSize, 0) / 1024,
            firstContentfulPaint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
            ...window.__load,
          };
        })()
        """;

    private static readonly string[] Columns =
        ["responseEnd", "firstContentfulPaint", "blazorJs", "runtimeWasm", "wasmInstantiated", "assemblies", "contentJs", "fluentDefined",
            "firstRender", "signUpPage", "usable", "assemblyCount", "assemblyKiB", "kib", "cls"];

    private async Task<(Dictionary<string, double> Steps, int Brotli, int Framework, string[] Urls)> LoadAsync(DashboardSession s, string? acceptEncoding)
    {
        await using var context = await s.Browser.NewContextAsync(new()
        {
            BaseURL = s.Origin.AbsoluteUri,
            ExtraHTTPHeaders = acceptEncoding is null ? null : new Dictionary<string, string> { ["Accept-Encoding"] = acceptEncoding },
        });
        await context.AddInitScriptAsync(Marks);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        page.Console += (_, m) =>
        {
            if (m.Text.StartsWith("layout shift", StringComparison.Ordinal)) output.WriteLine(m.Text);
        };
        var framework = new List<IResponse>();
        var urls = new List<string>();
        page.Response += (_, r) =>
        {
            lock (urls) urls.Add(r.Url);
            if (r.Url.Contains("/_framework/", StringComparison.Ordinal)) lock (framework) framework.Add(r);
        };
        await page.GotoAsync("");
        var button = page.GetByRole(AriaRole.Button, new() { Name = "Send me a sign-up link" });
        await Expect(button).ToBeEnabledAsync(new() { Timeout = 60_000 });
        var steps = (await page.EvaluateAsync<JsonElement>(Steps)).EnumerateObject()
            .Where(p => p.Value.ValueKind == JsonValueKind.Number).ToDictionary(p => p.Name, p => p.Value.GetDouble());
        IResponse[] seen;
        lock (framework) seen = [.. framework];
        var brotli = 0;
        foreach (var r in seen)
            if ((await r.AllHeadersAsync()).TryGetValue("content-encoding", out var e) && e == "br") brotli++;
        lock (urls) return (steps, brotli, seen.Length, [.. urls]);
    }

    private void Write(string name, Dictionary<string, double> steps) =>
        output.WriteLine(name.PadRight(14) + string.Join(" ", Columns.Select(c =>
            $"{c} {(steps.TryGetValue(c, out var v) ? v.ToString(c == "cls" ? "F3" : "F0", CultureInfo.InvariantCulture) : "-")}")));

    [Fact]
    public async Task The_first_load_gets_brotli_framework_files_and_a_browser_refusing_compression_still_loads()
    {
        await using var s = await DashboardSession.StartAsync();
        var baselineRoot = Environment.GetEnvironmentVariable("LICENSING_DASHBOARD_BASELINE");
        await using var baseline = baselineRoot is { Length: > 0 } ? await DashboardSession.StartAsync(baselineRoot) : null;

        var identity = await LoadAsync(s, "identity");
        Write("uncompressed", identity.Steps);
        Assert.Equal(0, identity.Brotli);
        for (var i = 0; i < Loads; i++)
        {
            if (baseline is not null) Write("baseline br", (await LoadAsync(baseline, null)).Steps);
            var compressed = await LoadAsync(s, null);
            Write("br", compressed.Steps);
            Assert.True(compressed.Framework > 0);
            Assert.Equal(compressed.Framework, compressed.Brotli);
            Assert.True(compressed.Steps.ContainsKey("usable"), "the page saw the sign-up button enabled before Playwright did");
        }
    }
}
