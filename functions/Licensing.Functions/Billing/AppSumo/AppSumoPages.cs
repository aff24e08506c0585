using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Licensing.Functions.Billing.AppSumo;

/// <summary>The small HTML pages of the AppSumo OAuth redirect; everything shown is HTML-escaped.</summary>
public static class AppSumoPages
{
    public static IActionResult Ready() => Page("AppSumo activation",
        "<p>This is the AppSumo activation address of this product. Open it from AppSumo to see your license.</p>");

    public static IActionResult License(string productName, string? planName, string key, string? status, string? emailedTo, bool provisioned)
    {
        static string H(string? s) => WebUtility.HtmlEncode(s ?? "");
        var body = $"""
            <p>Thank you for buying <strong>{H(productName)}</strong> on AppSumo{(planName is null ? "" : $" ({H(planName)})")}.</p>
            <p>Your license key (paste it into {H(productName)}'s settings):</p>
            <pre style="font-size:14px;padding:12px;background:#f4f4f5;border-radius:6px;white-space:pre-wrap;word-break:break-all">{H(key)}</pre>
            <p>AppSumo status: {H(status ?? "unknown")}</p>
            {(emailedTo is null ? "" : $"<p>We have also sent it to {H(emailedTo)}.</p>")}
            {(provisioned ? "" : "<p>Your license is still being set up: the key starts working within a minute.</p>")}
            """;
        return Page($"Your {productName} license", body);
    }

    private static HtmlPage Page(string title, string body) => new($"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
            <title>{WebUtility.HtmlEncode(title)}</title></head>
            <body style="font-family:system-ui,sans-serif;line-height:1.5;color:#111;max-width:40rem;margin:2rem auto">
            {body}
            </body></html>
            """);

    /// <summary>200 text/html, never cached, with a policy that allows no script or outside resource.</summary>
    private sealed class HtmlPage(string html) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context)
        {
            var response = context.HttpContext.Response;
            response.StatusCode = 200;
            response.ContentType = "text/html; charset=utf-8";
            response.Headers.CacheControl = "no-store";
            response.Headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'";
            return response.WriteAsync(html, context.HttpContext.RequestAborted);
        }
    }
}
