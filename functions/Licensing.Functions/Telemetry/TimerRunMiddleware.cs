using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Functions.Telemetry;

/// <summary>Functions worker middleware for timer triggers only: each run goes through <see cref="TimerRunRecorder"/>.</summary>
public sealed class TimerRunMiddleware : IFunctionsWorkerMiddleware
{
    public static bool IsTimerTrigger(FunctionContext context) =>
        context.FunctionDefinition.InputBindings.Values.Any(b => string.Equals(b.Type, "timerTrigger", StringComparison.OrdinalIgnoreCase));

    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next) =>
        context.InstanceServices.GetRequiredService<TimerRunRecorder>()
            .RunAsync(context.FunctionDefinition.Name, () => next(context), context.CancellationToken);
}
