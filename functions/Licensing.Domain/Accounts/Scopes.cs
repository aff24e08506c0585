namespace Licensing.Domain.Accounts;

/// <summary>
/// What an account credential may do. An API key carries a set of these; a session (the dashboard) and the key made
/// with the account carry <see cref="All"/>. Every account route names the one scope it needs.
/// </summary>
public static class Scopes
{
    public const string All = "*";
    public const string LicensesRead = "licenses:read";
    public const string LicensesWrite = "licenses:write";
    public const string ProductsRead = "products:read";
    public const string ProductsWrite = "products:write";
    public const string MetricsRead = "metrics:read";
    public const string IntegrationsWrite = "integrations:write";
    public const string WebhooksWrite = "webhooks:write";
    public const string ApiKeysWrite = "api-keys:write";
    public const string AuditRead = "audit:read";

    /// <summary>Every scope a key may be given, <see cref="All"/> included.</summary>
    public static IReadOnlyList<string> Known { get; } =
        [All, LicensesRead, LicensesWrite, ProductsRead, ProductsWrite, MetricsRead, IntegrationsWrite, WebhooksWrite, ApiKeysWrite, AuditRead];

    public static bool IsKnown(string? scope) => scope is not null && Known.Contains(scope, StringComparer.Ordinal);

    /// <summary>Whether <paramref name="granted"/> allows <paramref name="needed"/>: the scope itself or <see cref="All"/>.</summary>
    public static bool Allows(IReadOnlyCollection<string> granted, string needed) =>
        granted.Contains(All, StringComparer.Ordinal) || granted.Contains(needed, StringComparer.Ordinal);
}
