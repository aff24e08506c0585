using Licensing.Functions.Hosting;
using Licensing.Functions.Http;
using Licensing.Functions.Telemetry;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseWhen<ProblemMiddleware>(ProblemMiddleware.IsHttpTrigger);
builder.UseWhen<TimerRunMiddleware>(TimerRunMiddleware.IsTimerTrigger);
// Telemetry of the worker, correlated with the Functions host's (host.json telemetryMode); the exporters: Telemetry/TelemetryRegistration.
builder.Services.AddOpenTelemetry().UseFunctionsWorkerDefaults();
builder.Services.AddLicensing(builder.Configuration);
await builder.Build().RunAsync();
