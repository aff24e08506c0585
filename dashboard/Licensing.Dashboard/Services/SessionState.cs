using Licensing.Management;
using Microsoft.JSInterop;

namespace Licensing.Dashboard.Services;

/// <summary>
/// The founder's session: the token of <c>POST /v1/sessions</c>, kept in the browser's sessionStorage (gone when the
/// tab closes; the server ends it after 24 hours), and the typed client that sends it.
/// </summary>
public sealed class SessionState(IJSRuntime js, ApiSettings api) : IDisposable
{
    private const string StorageKey = "licensing.session";
    private readonly FreshReads _fresh = new();
    private ManagementClient? _client;
    private bool _loaded;

    /// <summary>The public routes, read fresh (the SDK page's keys are what the API serves now).</summary>
    public ManagementClient Public => field ??= new(api.BaseUrl, null, _fresh);

    public async Task<ManagementClient?> ClientAsync()
    {
        if (!_loaded)
        {
            var token = await js.InvokeAsync<string?>("sessionStorage.getItem", StorageKey);
            if (!string.IsNullOrEmpty(token)) _client = new ManagementClient(api.BaseUrl, token);
            _loaded = true;
        }
        return _client;
    }

    public async Task StartAsync(Session session)
    {
        await js.InvokeVoidAsync("sessionStorage.setItem", StorageKey, session.SessionToken);
        _client?.Dispose();
        _client = new ManagementClient(api.BaseUrl, session.SessionToken);
        _loaded = true;
    }

    public async Task EndAsync()
    {
        if (_client is not null)
        {
            try { await _client.EndSessionAsync(); }
            catch (ApiException) { } // an expired session is ended already
            catch (HttpRequestException) { } // offline: the token is forgotten here all the same
        }
        await js.InvokeVoidAsync("sessionStorage.removeItem", StorageKey);
        _client?.Dispose();
        _client = null;
    }

    public void Dispose()
    {
        _client?.Dispose();
        Public.Dispose();
        _fresh.Dispose();
    }
}
