using Licensing.Functions.Hosting;
using Licensing.Functions.Http;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseWhen<ProblemMiddleware>(ProblemMiddleware.IsHttpTrigger);
builder.Services.AddLicensing(builder.Configuration);
await builder.Build().RunAsync();
