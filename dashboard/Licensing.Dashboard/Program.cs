using Licensing.Dashboard;
using Licensing.Dashboard.Services;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using Microsoft.FluentUI.AspNetCore.Components;
using Radzen;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");
builder.RootComponents.Add<HeadOutlet>("head::after");
builder.Services.AddFluentUIComponents();
builder.Services.AddRadzenComponents();
// wwwroot/appsettings.json names the API origin (empty: the same origin as the dashboard, under /api/).
builder.Services.AddSingleton(new ApiSettings(ApiSettings.Resolve(builder.Configuration["ApiBaseUrl"], builder.HostEnvironment.BaseAddress)));
builder.Services.AddScoped<SessionState>();
builder.Services.AddScoped<PortalState>();
await builder.Build().RunAsync();
