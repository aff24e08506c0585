using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Hosting;

/// <summary>An HTTP-triggered function as the worker SDK sees it: name, methods, route and the method to call.</summary>
public sealed record HttpFunction(string Name, IReadOnlyList<string> Methods, string Route, MethodInfo Method);

/// <summary>A queue-triggered function: name, queue, connection setting and the method to call.</summary>
public sealed record QueueFunction(string Name, string Queue, string? Connection, MethodInfo Method);

/// <summary>
/// Reads the HTTP functions from their <c>[Function]</c>/<c>[HttpTrigger]</c> attributes, the same source the worker
/// SDK generates functions.metadata from (a test checks the two agree).
/// </summary>
public static class FunctionRoutes
{
    public static IReadOnlyList<HttpFunction> Discover(Assembly assembly) =>
        DiscoverTriggered<HttpTriggerAttribute, HttpFunction>(assembly, (name, trigger, method) =>
            method.GetParameters().Any(p => p.ParameterType == typeof(HttpRequest) && p.GetCustomAttribute<HttpTriggerAttribute>() is not null)
                ? new HttpFunction(name, (trigger.Methods ?? ["get", "post"]).Select(m => m.ToUpperInvariant()).ToArray(), trigger.Route ?? name, method)
                : throw new InvalidOperationException($"{name}: the local host serves functions that take HttpRequest"));

    public static IReadOnlyList<QueueFunction> DiscoverQueues(Assembly assembly) =>
        DiscoverTriggered<QueueTriggerAttribute, QueueFunction>(assembly, (name, trigger, method) => new QueueFunction(name, trigger.QueueName, trigger.Connection, method));

    public static IReadOnlyList<TimerFunction> DiscoverTimers(Assembly assembly) =>
        DiscoverTriggered<TimerTriggerAttribute, TimerFunction>(assembly, (name, trigger, method) => new TimerFunction(name, trigger.Schedule, method));

    /// <summary>Every [Function] method with a parameter carrying <typeparamref name="TTrigger"/>, ordered by name.</summary>
    private static IReadOnlyList<T> DiscoverTriggered<TTrigger, T>(Assembly assembly, Func<string, TTrigger, MethodInfo, T> make) where TTrigger : Attribute =>
        (from type in assembly.GetTypes()
         from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
         let function = method.GetCustomAttribute<FunctionAttribute>()
         where function is not null
         from parameter in method.GetParameters()
         let trigger = parameter.GetCustomAttribute<TTrigger>()
         where trigger is not null
         orderby function.Name
         select make(function.Name, trigger, method)).ToArray();
}
