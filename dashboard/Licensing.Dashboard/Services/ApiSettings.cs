namespace Licensing.Dashboard.Services;

/// <summary>Where the API lives: wwwroot/appsettings.json's <c>ApiBaseUrl</c>, or the dashboard's own origin + <c>api/</c>.</summary>
public sealed record ApiSettings(Uri BaseUrl)
{
    public static Uri Resolve(string? configured, string dashboardBase) =>
        string.IsNullOrWhiteSpace(configured) ? new Uri(new Uri(dashboardBase), "api/") : new Uri(configured.TrimEnd('/') + "/");

    /// <summary>True when the API runs on this machine (the local host), false once deployed.</summary>
    public bool IsLocal => BaseUrl.IsLoopback;
}
