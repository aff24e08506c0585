using System.Reflection;
using Azure.Storage.Queues.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Azure.Functions.Worker;
using NCrontab;

namespace Licensing.LocalHost;

/// <summary>How one argument of a function is produced from a call (an HTTP request, a queue message, a timer tick).</summary>
public delegate object? ArgumentBinder<in TCall>(TCall call);

/// <summary>An HTTP-triggered function: name, methods, route, the method and how each of its arguments is bound.</summary>
public sealed record HttpFunction(string Name, IReadOnlyList<string> Methods, string Route, MethodInfo Method,
    IReadOnlyList<ArgumentBinder<HttpContext>> Arguments);

/// <summary>A queue-triggered function: name, queue, connection setting, the method and its argument binders.</summary>
public sealed record QueueFunction(string Name, string Queue, string? Connection, MethodInfo Method, IReadOnlyList<ArgumentBinder<QueueCall>> Arguments);

/// <summary>A timer-triggered function: name, NCRONTAB expression and its parsed schedule, the method and its argument binders.</summary>
public sealed record TimerFunction(string Name, string Expression, CrontabSchedule Schedule, bool RunOnStartup, MethodInfo Method,
    IReadOnlyList<ArgumentBinder<CancellationToken>> Arguments);

/// <summary>One delivery of a queue message to a function.</summary>
public readonly record struct QueueCall(QueueMessage Message, CancellationToken Cancellation);

/// <summary>
/// The function app's functions as the local host serves them, read from their <c>[Function]</c> and trigger attributes
/// (the same source the worker SDK generates functions.metadata from; tests check the two agree). What the local host
/// can bind is decided here and only here: a function with a parameter, binding, trigger or worker attribute it cannot
/// serve is listed in <see cref="Problems"/>, and the local host refuses to start rather than diverge from the
/// Functions host.
/// </summary>
public sealed class FunctionCatalog
{
    private const BindingFlags AllMethods =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private FunctionCatalog(IReadOnlyList<HttpFunction> http, IReadOnlyList<QueueFunction> queues, IReadOnlyList<TimerFunction> timers,
        IReadOnlyList<string> problems) =>
        (Http, Queues, Timers, Problems) = (http, queues, timers, problems);

    public IReadOnlyList<HttpFunction> Http { get; }
    public IReadOnlyList<QueueFunction> Queues { get; }
    public IReadOnlyList<TimerFunction> Timers { get; }

    /// <summary>One line per function or parameter the local host cannot serve; empty for a servable app.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>The functions of <paramref name="assembly"/>; throws when any cannot be served, naming every problem.</summary>
    public static FunctionCatalog Load(Assembly assembly)
    {
        var catalog = Read(assembly.GetTypes());
        return catalog.Problems.Count == 0
            ? catalog
            : throw new InvalidOperationException("The local host cannot serve these functions as the Functions host would:\n  "
                + string.Join("\n  ", catalog.Problems));
    }

    /// <summary>Every <c>[Function]</c> method of <paramref name="types"/>, each list ordered by function name.</summary>
    public static FunctionCatalog Read(IEnumerable<Type> types)
    {
        var http = new List<HttpFunction>();
        var queues = new List<QueueFunction>();
        var timers = new List<TimerFunction>();
        var problems = new List<string>();
        foreach (var type in types)
            foreach (var method in type.GetMethods(AllMethods))
            {
                if (method.GetCustomAttribute<FunctionAttribute>() is not { } function) continue;
                var before = problems.Count;
                void Problem(string what) => problems.Add($"{function.Name} ({type.FullName}.{method.Name}): {what}");
                if (!method.IsPublic) Problem("the method is not public");
                foreach (var a in WorkerAttributes(method.GetCustomAttributes()).Concat(WorkerAttributes(method.ReturnParameter.GetCustomAttributes())))
                    if (a is not FunctionAttribute) Problem($"[{Short(a)}] on the method is not served by the local host");

                var triggers = method.GetParameters()
                    .Where(p => p.GetCustomAttributes().Any(a => a is HttpTriggerAttribute or QueueTriggerAttribute or TimerTriggerAttribute)).ToArray();
                if (triggers.Length != 1)
                {
                    Problem(triggers.Length == 0 ? "no trigger the local host serves (HttpTrigger, QueueTrigger, TimerTrigger)" : "more than one trigger");
                    continue;
                }
                var trigger = triggers[0];
                var triggerAttribute = WorkerAttributes(trigger.GetCustomAttributes())
                    .First(a => a is HttpTriggerAttribute or QueueTriggerAttribute or TimerTriggerAttribute);
                foreach (var p in method.GetParameters())
                    foreach (var a in WorkerAttributes(p.GetCustomAttributes()))
                        if (p.Position != trigger.Position || a.GetType() != triggerAttribute.GetType())
                            Problem($"parameter {p.Name}: [{Short(a)}] is not served by the local host");

                switch (triggerAttribute)
                {
                    case HttpTriggerAttribute t:
                        {
                            var route = t.Route ?? function.Name;
                            if (t.Methods is not { Length: > 0 })
                                Problem("[HttpTrigger] names no HTTP method (the Functions host would accept every method): name them");
                            var routeValues = RouteValueNames(route, Problem);
                            var arguments = Bind<HttpContext>(method, trigger, Problem, typeof(Task<IActionResult>), p =>
                                p.Position == trigger.Position ? p.ParameterType == typeof(HttpRequest) ? c => c.Request : null
                                : p.ParameterType == typeof(CancellationToken) ? c => c.RequestAborted
                                : p.ParameterType == typeof(string) && routeValues.Contains(p.Name!) ? c => c.Request.RouteValues[p.Name!] as string
                                : null);
                            if (problems.Count == before)
                                http.Add(new HttpFunction(function.Name, t.Methods!.Select(m => m.ToUpperInvariant()).ToArray(), route, method, arguments));
                            break;
                        }
                    case QueueTriggerAttribute t:
                        {
                            var arguments = Bind<QueueCall>(method, trigger, Problem, typeof(Task), p =>
                                p.Position == trigger.Position
                                    ? p.ParameterType == typeof(QueueMessage) ? c => c.Message
                                    : p.ParameterType == typeof(string) ? c => c.Message.MessageText
                                    : null
                                : p.ParameterType == typeof(CancellationToken) ? c => c.Cancellation
                                : null);
                            if (problems.Count == before) queues.Add(new QueueFunction(function.Name, t.QueueName, t.Connection, method, arguments));
                            break;
                        }
                    case TimerTriggerAttribute t:
                        {
                            var schedule = TimerSchedules.TryParse(t.Schedule);
                            if (schedule is null)
                                Problem($"schedule '{t.Schedule}' is not a six-field NCRONTAB expression"
                                    + " (the local host does not read TimeSpan or %setting% schedules)");
                            var arguments = Bind<CancellationToken>(method, trigger, Problem, typeof(Task), p =>
                                p.Position == trigger.Position ? p.ParameterType == typeof(TimerInfo) ? _ => new TimerInfo() : null
                                : p.ParameterType == typeof(CancellationToken) ? ct => ct
                                : null);
                            if (problems.Count == before)
                                timers.Add(new TimerFunction(function.Name, t.Schedule, schedule!, t.RunOnStartup, method, arguments));
                            break;
                        }
                }
            }
        return new FunctionCatalog(http.OrderBy(f => f.Name, StringComparer.Ordinal).ToArray(), queues.OrderBy(f => f.Name, StringComparer.Ordinal).ToArray(),
            timers.OrderBy(f => f.Name, StringComparer.Ordinal).ToArray(), problems);
    }

    /// <summary>A binder per parameter, or a problem naming each parameter no binder takes; and the return type checked.</summary>
    private static ArgumentBinder<TCall>[] Bind<TCall>(MethodInfo method, ParameterInfo trigger, Action<string> problem, Type returns,
        Func<ParameterInfo, ArgumentBinder<TCall>?> binderFor)
    {
        if (method.ReturnType != returns) problem($"returns {Short(method.ReturnType)}; the local host serves {Short(returns)}");
        return method.GetParameters().Select(p =>
            binderFor(p) ?? Unbindable(p, p.Position == trigger.Position
                ? $"the trigger parameter {p.Name} ({Short(p.ParameterType)})"
                : $"parameter {p.Name} ({Short(p.ParameterType)})")).ToArray();

        ArgumentBinder<TCall> Unbindable(ParameterInfo p, string what)
        {
            problem($"{what} cannot be bound by the local host");
            return _ => throw new InvalidOperationException($"{method.Name}: {what} cannot be bound");
        }
    }

    private static HashSet<string> RouteValueNames(string route, Action<string> problem)
    {
        try
        {
            return RoutePatternFactory.Parse(route).Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        }
        catch (RoutePatternException e)
        {
            problem($"route '{route}' does not parse: {e.Message}");
            return [];
        }
    }

    /// <summary>Attributes from the Functions worker or WebJobs SDKs: each one changes what a host does, so each must be known here.</summary>
    private static IEnumerable<Attribute> WorkerAttributes(IEnumerable<Attribute> attributes) =>
        attributes.Where(a => a.GetType().Namespace is { } ns
            && (ns.StartsWith("Microsoft.Azure.Functions.Worker", StringComparison.Ordinal)
                || ns.StartsWith("Microsoft.Azure.WebJobs", StringComparison.Ordinal)));

    private static string Short(Attribute a) =>
        a.GetType().Name.EndsWith("Attribute", StringComparison.Ordinal) ? a.GetType().Name[..^"Attribute".Length] : a.GetType().Name;

    private static string Short(Type t) => t.IsGenericType
        ? $"{t.Name[..t.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", t.GetGenericArguments().Select(Short))}>"
        : t.Name;
}
