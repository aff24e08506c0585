using Microsoft.AspNetCore.Components.WebAssembly.Http;

namespace Licensing.Dashboard.Services;

/// <summary>
/// Asks the browser to check with the API before answering from its HTTP cache. <c>GET /v1/keys</c> may be cached for a
/// minute (SDKs and CDNs re-read it often), but the SDK page shows the set a founder pins into an app: it must be the set
/// served now, not the one the browser kept when the page was last opened.
/// </summary>
public sealed class FreshReads : DelegatingHandler
{
    public FreshReads() : base(new HttpClientHandler()) { }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.SetBrowserRequestCache(BrowserRequestCache.NoCache);
        return base.SendAsync(request, cancellationToken);
    }
}
