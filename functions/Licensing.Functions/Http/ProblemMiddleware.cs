using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;

namespace Licensing.Functions.Http;

/// <summary>
/// Functions worker middleware for HTTP triggers: any exception becomes the contract's problem+json response
/// (set as the invocation result, which the ASP.NET Core integration executes). The local host uses the same
/// <see cref="Problem.From"/> mapping, so both hosts answer alike.
/// </summary>
public sealed class ProblemMiddleware(ILogger<ProblemMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public static bool IsHttpTrigger(FunctionContext context) =>
        context.FunctionDefinition.InputBindings.Values.Any(b => b.Type == "httpTrigger");

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception e)
        {
            context.GetInvocationResult().Value = Problem.From(e, logger, context.CancellationToken).ToResult();
        }
    }
}
