using System.Net;
using Licensing.Domain.Email;

namespace Licensing.Domain.Accounts;

/// <summary>The sign-up and sign-in e-mails: one link, valid 15 minutes, single use; plain text and HTML.</summary>
public static class SignInEmail
{
    public static EmailMessage Compose(string purpose, string to, Uri link, string messageId)
    {
        var (subject, intro) = purpose == SignInToken.SignUp
            ? ("Finish creating your licensing account", "Open this link to create your account and sign in:")
            : ("Your sign-in link", "Open this link to sign in to your licensing account:");
        return Compose(subject, intro, to, link, messageId);
    }

    /// <summary>A one-link e-mail with the given subject and introduction (the customer portal's sign-in uses it too).</summary>
    public static EmailMessage Compose(string subject, string intro, string to, Uri link, string messageId)
    {
        var minutes = (int)SignInTokens.Lifetime.TotalMinutes;
        var text = $"""
            {intro}

            {link}

            The link works once, within {minutes} minutes. If you did not ask for it, ignore this e-mail: nothing happens.
            """;
        var href = WebUtility.HtmlEncode(link.ToString());
        var html = $"""
            <!doctype html>
            <html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#111">
            <p>{WebUtility.HtmlEncode(intro)}</p>
            <p><a href="{href}">{href}</a></p>
            <p>The link works once, within {minutes} minutes. If you did not ask for it, ignore this e-mail: nothing happens.</p>
            </body></html>
            """;
        return new EmailMessage(to, subject, text, html, messageId);
    }
}
