using Microsoft.AspNetCore.Http;

namespace Licensing.Functions.Http;

public static class ClientAddress
{
    /// <summary>
    /// The caller's address for per-address limits and the sharing signal. Behind Azure's front ends the connection
    /// comes from the platform and the client is the last entry of X-Forwarded-For (the one the platform appended;
    /// earlier entries are whatever the client sent). Locally, the connection's address.
    /// </summary>
    public static string? Of(HttpRequest request)
    {
        var forwarded = request.Headers["X-Forwarded-For"].ToString();
        if (!string.IsNullOrWhiteSpace(forwarded))
        {
            var last = forwarded.Split(',')[^1].Trim();
            // Azure may append "ip:port".
            if (System.Net.IPEndPoint.TryParse(last, out var endpoint)) return endpoint.Address.ToString();
            if (System.Net.IPAddress.TryParse(last, out var ip)) return ip.ToString();
        }
        return request.HttpContext.Connection.RemoteIpAddress?.ToString();
    }
}
