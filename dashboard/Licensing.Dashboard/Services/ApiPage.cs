using Licensing.Management;
using Microsoft.AspNetCore.Components;

namespace Licensing.Dashboard.Services;

/// <summary>
/// A signed-in page: the session's client (null once checked = signed out), and <see cref="RunAsync"/>, which marks the
/// page busy for one API call and keeps its problem (shown in words by ProblemAlert) instead of throwing.
/// </summary>
public abstract class ApiPage : ComponentBase
{
    [Inject] private SessionState Session { get; set; } = null!;

    protected ManagementClient? Client { get; private set; }
    protected bool Checked { get; private set; }
    protected bool Busy { get; private set; }
    protected ApiException? Error { get; private set; }

    protected override async Task OnInitializedAsync()
    {
        Client = await Session.ClientAsync();
        Checked = true;
        if (Client is not null) await RunAsync(LoadAsync);
    }

    /// <summary>The page's first calls, once signed in.</summary>
    protected abstract Task LoadAsync();

    protected async Task RunAsync(Func<Task> call)
    {
        (Busy, Error) = (true, null);
        try
        {
            await call();
        }
        catch (ApiException e)
        {
            Error = e;
        }
        finally
        {
            Busy = false;
        }
    }
}
