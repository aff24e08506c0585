using System.Net;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;

namespace Licensing.Domain.Email;

public sealed record EmailMessage(string To, string Subject, string Text, string Html, string MessageId);

/// <summary>One sender interface; Azure Communication Services in Azure, SMTP (MailKit) locally.</summary>
public interface IEmailSender
{
    Task SendAsync(EmailMessage message, CancellationToken ct);
}

/// <summary>An e-mail waiting in the outbox. The id is deterministic per purpose, so the same e-mail is queued once.</summary>
public sealed record OutboxEmail
{
    public required string AccountId { get; init; }
    public required string Id { get; init; }
    public required EmailMessage Message { get; init; }
    public string State { get; init; } = Pending;
    public int Attempts { get; init; }
    public DateTimeOffset? ClaimedUntil { get; init; }
    public DateTimeOffset? SentAt { get; init; }
    public string? LastError { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public string? Version { get; init; }

    public const string Pending = "pending";
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string Failed = "failed";
}

public interface IEmailOutbox
{
    /// <summary>Adds the e-mail unless one with its id exists; true when added.</summary>
    Task<bool> AddAsync(OutboxEmail email, CancellationToken ct);

    Task<OutboxEmail?> GetAsync(string accountId, string id, CancellationToken ct);

    /// <summary>Conditional on <see cref="OutboxEmail.Version"/>; <see cref="Common.ConcurrencyException"/> if it changed.</summary>
    Task<OutboxEmail> ReplaceAsync(OutboxEmail email, CancellationToken ct);
}

/// <summary>The queue of outbox ids to send, with an optional delay (the backoff between attempts).</summary>
public interface IEmailQueue
{
    Task EnqueueAsync(string accountId, string emailId, TimeSpan delay, CancellationToken ct);
}

/// <summary>The license e-mail: plain text and HTML, customer data escaped.</summary>
public static class LicenseEmail
{
    public static EmailMessage Compose(License license, Product? product, string messageId)
    {
        var productName = product?.Name ?? license.ProductId;
        var planName = product?.FindPlan(license.Plan)?.Name ?? license.Plan;
        var expiry = license.ExpiresAt is { } e ? e.UtcDateTime.ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture) : "never (lifetime)";
        var slots = license.MaxActivations is { } m ? $"{m} site{(m == 1 ? "" : "s")} or device{(m == 1 ? "" : "s")}" : "unlimited sites";
        var subject = $"Your {productName} license key";
        var text = $"""
            Thank you for buying {productName} ({planName}).

            Your license key:

            {license.Key}

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
            <pre style="font-size:14px;padding:12px;background:#f4f4f5;border-radius:6px;white-space:pre-wrap;word-break:break-all">{H(license.Key)}</pre>
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
        var text = $"""
            Your {productName} license expires on {date}.

            Renew before then to keep updates and support without interruption; your key stays the same:

            {license.Key}
            """;
        static string H(string s) => WebUtility.HtmlEncode(s);
        var html = $"""
            <!doctype html>
            <html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#111">
            <p>Your <strong>{H(productName)}</strong> license expires on <strong>{H(date)}</strong>.</p>
            <p>Renew before then to keep updates and support without interruption; your key stays the same:</p>
            <pre style="font-size:14px;padding:12px;background:#f4f4f5;border-radius:6px;white-space:pre-wrap;word-break:break-all">{H(license.Key)}</pre>
            </body></html>
            """;
        return new EmailMessage(license.CustomerEmail, $"Your {productName} license expires on {date}", text, html, messageId);
    }
}
