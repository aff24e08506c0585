using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FluentUI.AspNetCore.Components;

namespace Licensing.Tests.Dashboard.Components;

/// <summary>A bUnit context as the dashboard's components need it: Fluent UI's services, JS calls answered loosely.</summary>
internal static class DashboardComponents
{
    public static BunitContext Context()
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddFluentUIComponents();
        return ctx;
    }
}
