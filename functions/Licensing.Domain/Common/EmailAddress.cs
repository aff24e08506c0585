using System.Net.Mail;

namespace Licensing.Domain.Common;

/// <summary>E-mail address rules shared by accounts and licenses.</summary>
public static class EmailAddress
{
    public const int MaxLength = 254;

    /// <summary>The trimmed address when it is a single, deliverable-looking address (local@domain.tld); else null.</summary>
    public static string? Normalize(string? value)
    {
        var s = value?.Trim();
        if (string.IsNullOrEmpty(s) || s.Length > MaxLength) return null;
        if (!MailAddress.TryCreate(s, out var parsed) || parsed.Address != s || !string.IsNullOrEmpty(parsed.DisplayName)) return null;
        var at = s.LastIndexOf('@');
        var host = s[(at + 1)..];
        if (at < 1 || host.Length < 3 || !host.Contains('.') || host.StartsWith('.') || host.EndsWith('.') || s.Any(char.IsWhiteSpace)) return null;
        return s;
    }

    /// <summary>The form used to look licenses up by customer e-mail: case-insensitive.</summary>
    public static string LookupKey(string email) => email.ToLowerInvariant();
}
