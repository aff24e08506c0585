using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Functions.Hosting;

/// <summary>
/// How the local host calls a function method, for every trigger kind: the class is created from the scope's
/// services, each parameter is bound by the trigger's binder, and a failure comes out as the function threw it.
/// </summary>
internal static class FunctionInvoker
{
    public static Task Start(IServiceProvider services, string functionName, MethodInfo method, Func<ParameterInfo, object?> bind)
    {
        var instance = ActivatorUtilities.GetServiceOrCreateInstance(services, method.DeclaringType!);
        var arguments = method.GetParameters().Select(bind).ToArray();
        try
        {
            return (Task)method.Invoke(instance, arguments)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    public static InvalidOperationException Unbindable(string functionName, ParameterInfo p) =>
        new($"{functionName}: parameter {p.Name} ({p.ParameterType.Name}) cannot be bound by the local host");
}
