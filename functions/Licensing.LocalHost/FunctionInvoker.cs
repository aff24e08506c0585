using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.LocalHost;

/// <summary>
/// How the local host calls a function method, for every trigger kind: the class is created from the scope's
/// services (as the worker does), each argument comes from the function's binders (<see cref="FunctionCatalog"/>), and
/// a failure comes out as the function threw it.
/// </summary>
internal static class FunctionInvoker
{
    public static Task Start<TCall>(IServiceProvider services, MethodInfo method, IReadOnlyList<ArgumentBinder<TCall>> binders, TCall call)
    {
        var instance = method.IsStatic ? null : ActivatorUtilities.GetServiceOrCreateInstance(services, method.DeclaringType!);
        var arguments = binders.Select(bind => bind(call)).ToArray();
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
}
