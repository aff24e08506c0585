using System.Collections.Immutable;
using System.Text.Json;
using Licensing.Domain.Telemetry;
using Licensing.Functions.Telemetry;
using Licensing.Tests.Support;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Licensing.Tests.Telemetry;

/// <summary>
/// The Functions worker runs every timer through <see cref="TimerRunMiddleware"/> (registered in Program.cs with
/// <see cref="TimerRunMiddleware.IsTimerTrigger"/>). The worker cannot run here, so these tests give the middleware the
/// function definitions the Functions host would build from functions.metadata: it must select exactly the timers
/// there, and a run through it must be recorded as the local host's timer runner records it.
/// </summary>
public sealed class TimerRunMiddlewareTests
{
    [Fact]
    public void The_middleware_selects_exactly_the_timer_functions_of_functions_metadata()
    {
        var functions = FunctionsMetadata.Functions();
        var selected = functions.Where(f => TimerRunMiddleware.IsTimerTrigger(new Context(FromMetadata(f), new ServiceCollection().BuildServiceProvider())))
            .Select(f => f.GetProperty("name").GetString()!).Order(StringComparer.Ordinal).ToArray();
        var timers = functions.Where(f => FunctionsMetadata.Bindings(f, "timerTrigger").Any())
            .Select(f => f.GetProperty("name").GetString()!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(6, timers.Length);
        Assert.Equal(timers, selected);
        Assert.True(functions.Length > selected.Length, "HTTP and queue functions are not timer runs");
    }

    [Fact]
    public async Task A_run_through_the_middleware_is_recorded_as_running_then_succeeded()
    {
        var (store, clock, services) = Services();
        var context = new Context(TimerDefinition("RollUpMetrics"), services);
        var ran = 0;

        await new TimerRunMiddleware().Invoke(context, _ =>
        {
            ran++;
            Assert.Equal(TimerRun.Running, Assert.Single(store.Runs).Outcome); // recorded before the work starts
            clock.Advance(TimeSpan.FromSeconds(3));
            return Task.CompletedTask;
        });

        Assert.Equal(1, ran);
        Assert.Equal(2, store.Runs.Count);
        var done = store.Runs[^1];
        Assert.Equal(("RollUpMetrics", TimerRun.Succeeded, (string?)null), (done.Name, done.Outcome, done.Error));
        Assert.Equal(TimeSpan.FromSeconds(3), done.FinishedAt - done.StartedAt);
    }

    [Fact]
    public async Task A_failing_run_is_recorded_with_its_error_type_and_the_failure_still_reaches_the_host()
    {
        var (store, _, services) = Services();
        var context = new Context(TimerDefinition("PruneExpiredRows"), services);

        await Assert.ThrowsAsync<TimeoutException>(() =>
            new TimerRunMiddleware().Invoke(context, _ => throw new TimeoutException("storage did not answer for user@example.com")));

        var failed = store.Runs[^1];
        Assert.Equal(("PruneExpiredRows", TimerRun.Failed, "TimeoutException"), (failed.Name, failed.Outcome, failed.Error));
        Assert.NotNull(failed.FinishedAt);
    }

    private static (RecordingStore Store, TestClock Clock, IServiceProvider Services) Services()
    {
        var store = new RecordingStore();
        var clock = new TestClock(new DateTimeOffset(2027, 3, 1, 10, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection()
            .AddSingleton(new TimerRunRecorder(store, clock, NullLogger<TimerRunRecorder>.Instance))
            .BuildServiceProvider();
        return (store, clock, services);
    }

    /// <summary>What the Functions host makes of one functions.metadata entry: its name and its incoming bindings by name.</summary>
    private static Definition FromMetadata(JsonElement function) =>
        new(function.GetProperty("name").GetString()!, function.GetProperty("bindings").EnumerateArray()
            .Where(b => string.Equals(b.GetProperty("direction").GetString(), "In", StringComparison.OrdinalIgnoreCase))
            .ToImmutableDictionary(b => b.GetProperty("name").GetString()!, b => (BindingMetadata)new Binding(
                b.GetProperty("name").GetString()!, b.GetProperty("type").GetString()!)));

    private static Definition TimerDefinition(string name) =>
        new(name, ImmutableDictionary<string, BindingMetadata>.Empty.Add("timer", new Binding("timer", "timerTrigger")));

    private sealed class RecordingStore : ITimerRunStore
    {
        public List<TimerRun> Runs { get; } = [];

        public Task UpsertAsync(TimerRun run, CancellationToken ct)
        {
            Runs.Add(run);
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<TimerRun>> ListAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<TimerRun>>(Runs);
    }

    private sealed class Binding(string name, string type) : BindingMetadata
    {
        public override string Name => name;
        public override string Type => type;
        public override BindingDirection Direction => BindingDirection.In;
    }

    private sealed class Definition(string name, IImmutableDictionary<string, BindingMetadata> inputs) : FunctionDefinition
    {
        public override ImmutableArray<FunctionParameter> Parameters => [];
        public override string PathToAssembly => typeof(TimerRunMiddleware).Assembly.Location;
        public override string EntryPoint => name;
        public override string Id => name;
        public override string Name => name;
        public override IImmutableDictionary<string, BindingMetadata> InputBindings => inputs;
        public override IImmutableDictionary<string, BindingMetadata> OutputBindings => ImmutableDictionary<string, BindingMetadata>.Empty;
    }

    private sealed class Context(FunctionDefinition definition, IServiceProvider services) : FunctionContext
    {
        public override string InvocationId => "test-invocation";
        public override string FunctionId => definition.Id;
        public override TraceContext TraceContext => null!;
        public override BindingContext BindingContext => null!;
        public override RetryContext RetryContext => null!;
        public override IServiceProvider InstanceServices { get; set; } = services;
        public override FunctionDefinition FunctionDefinition => definition;
        public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();
        public override Microsoft.Azure.Functions.Worker.IInvocationFeatures Features => null!;
    }
}
