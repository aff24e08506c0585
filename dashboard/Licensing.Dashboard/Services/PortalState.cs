using Licensing.Management;
using Microsoft.JSInterop;

namespace Licensing.Dashboard.Services;

/// <summary>
/// A customer's portal session with one seller: the token of <c>POST /v1/portal/{accountId}/sessions</c>, kept in the
/// browser's sessionStorage under that account (gone when the tab closes; the server ends it after an hour).
/// </summary>
public sealed class PortalState(IJSRuntime js, ApiSettings api)
{
    private static string Key(string accountId) => "licensing.portal." + accountId;

    /// <summary>A client without a session: asking for a link, exchanging it.</summary>
    public PortalClient Public(string accountId) => new(api.BaseUrl, accountId, null);

    /// <summary>The signed-in client for the seller, or null when the customer has not signed in in this tab.</summary>
    public async Task<PortalClient?> ClientAsync(string accountId)
    {
        var token = await js.InvokeAsync<string?>("sessionStorage.getItem", Key(accountId));
        return string.IsNullOrEmpty(token) ? null : new PortalClient(api.BaseUrl, accountId, token);
    }

    public async Task StartAsync(string accountId, string token) => await js.InvokeVoidAsync("sessionStorage.setItem", Key(accountId), token);

    public async Task EndAsync(string accountId)
    {
        using (var client = await ClientAsync(accountId))
        {
            if (client is not null)
            {
                try { await client.EndSessionAsync(); }
                catch (ApiException) { } // expired: ended already
                catch (HttpRequestException) { } // offline: forgotten here all the same
            }
        }
        await js.InvokeVoidAsync("sessionStorage.removeItem", Key(accountId));
    }
}
