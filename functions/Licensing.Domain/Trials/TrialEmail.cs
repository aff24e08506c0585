using System.Globalization;
using System.Net;
using Licensing.Domain.Email;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;

namespace Licensing.Domain.Trials;

/// <summary>The trial e-mail: the key, until when it runs, and that buying keeps the same key. Customer data escaped.</summary>
public static class TrialEmail
{
    public static EmailMessage Compose(License license, Product product, string messageId)
    {
        var planName = product.FindPlan(license.Plan)?.Name ?? license.Plan;
        var until = license.ExpiresAt!.Value.UtcDateTime.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);
        var key = license.CustomerKey;
        var text = $"""
            Your {product.Name} trial ({planName}) runs until {until}.

            Your trial key:

            {key}

            To start: open {product.Name}'s settings, paste the key and save.
            If you buy {product.Name} with this e-mail address, this same key becomes your paid license: nothing to re-enter.
            """;
        static string H(string s) => WebUtility.HtmlEncode(s);
        var html = $"""
            <!doctype html>
            <html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#111">
            <p>Your <strong>{H(product.Name)}</strong> trial ({H(planName)}) runs until <strong>{H(until)}</strong>.</p>
            <p>Your trial key:</p>
            <pre style="font-size:14px;padding:12px;background:#f4f4f5;border-radius:6px;white-space:pre-wrap;word-break:break-all">{H(key)}</pre>
            <p><strong>To start:</strong> open {H(product.Name)}'s settings, paste the key and save.</p>
            <p>If you buy {H(product.Name)} with this e-mail address, this same key becomes your paid license: nothing to re-enter.</p>
            </body></html>
            """;
        return new EmailMessage(license.CustomerEmail, $"Your {product.Name} trial key", text, html, messageId);
    }
}
