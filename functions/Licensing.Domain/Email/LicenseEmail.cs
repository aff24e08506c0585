using System.Net;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;

namespace Licensing.Domain.Email;

/// <summary>The license e-mail: plain text and HTML, customer data escaped.</summary>
public static class LicenseEmail
{
    /// <summary>The license e-mail sent again: a new outbox entry each time (the account's resend, and the customer portal's).</summary>
    public static OutboxEmail Resend(License license, Product? product, DateTimeOffset now)
    {
        var id = $"resend-{license.Id}-{now.ToUnixTimeMilliseconds()}";
        return new OutboxEmail { AccountId = license.AccountId, Id = id, Message = Compose(license, product, $"<{id}@licensing>"), CreatedAt = now };
    }

    public static EmailMessage Compose(License license, Product? product, string messageId)
    {
        var productName = product?.Name ?? license.ProductId;
        var planName = product?.FindPlan(license.Plan)?.Name ?? license.Plan;
        var expiry = license.ExpiresAt is { } e ? e.UtcDateTime.ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture) : "never (lifetime)";
        var slots = license.MaxActivations is { } m ? $"{m} site{(m == 1 ? "" : "s")} or device{(m == 1 ? "" : "s")}" : "unlimited sites";
        var subject = $"Your {productName} license key";
        var key = license.CustomerKey;
        var text = $"""
            Thank you for buying {productName} ({planName}).

            Your license key:

            {key}

            Plan:      {planName}
            Expires:   {expiry}
            Use it on: {slots}

            To activate: open {productName}'s settings, paste the key and save. The first site or device that
            validates the key takes a slot; development and staging sites (localhost, *.local, staging.*) are free.
            To move the license, deactivate it on the old site first.

            Keep this e-mail: the key is your proof of purchase.
            """;
        static string H(string s) => WebUtility.HtmlEncode(s);
        var html = $"""
            <!doctype html>
            <html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#111">
            <p>Thank you for buying <strong>{H(productName)}</strong> ({H(planName)}).</p>
            <p>Your license key:</p>
            <pre style="font-size:14px;padding:12px;background:#f4f4f5;border-radius:6px;white-space:pre-wrap;word-break:break-all">{H(key)}</pre>
            <table cellpadding="4">
            <tr><td>Plan</td><td>{H(planName)}</td></tr>
            <tr><td>Expires</td><td>{H(expiry)}</td></tr>
            <tr><td>Use it on</td><td>{H(slots)}</td></tr>
            </table>
            <p><strong>To activate:</strong> open {H(productName)}'s settings, paste the key and save. The first site or device that
            validates the key takes a slot; development and staging sites (localhost, *.local, staging.*) are free.
            To move the license, deactivate it on the old site first.</p>
            <p>Keep this e-mail: the key is your proof of purchase.</p>
            </body></html>
            """;
        return new EmailMessage(license.CustomerEmail, subject, text, html, messageId);
    }

    /// <summary>The renewal reminder: the key, the date, and that renewing keeps everything working.</summary>
    public static EmailMessage Reminder(License license, Product? product, string messageId)
    {
        var productName = product?.Name ?? license.ProductId;
        var date = license.ExpiresAt!.Value.UtcDateTime.ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture);
        var key = license.CustomerKey;
        var text = $"""
            Your {productName} license expires on {date}.

            Renew before then to keep updates and support without interruption; your key stays the same:

            {key}
            """;
        static string H(string s) => WebUtility.HtmlEncode(s);
        var html = $"""
            <!doctype html>
            <html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#111">
            <p>Your <strong>{H(productName)}</strong> license expires on <strong>{H(date)}</strong>.</p>
            <p>Renew before then to keep updates and support without interruption; your key stays the same:</p>
            <pre style="font-size:14px;padding:12px;background:#f4f4f5;border-radius:6px;white-space:pre-wrap;word-break:break-all">{H(key)}</pre>
            </body></html>
            """;
        return new EmailMessage(license.CustomerEmail, $"Your {productName} license expires on {date}", text, html, messageId);
    }
}
