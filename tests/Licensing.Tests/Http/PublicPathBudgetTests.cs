using Licensing.Domain.Common;
using Licensing.Functions.Hosting;
using Licensing.Functions.Http;
using Microsoft.Extensions.Options;

namespace Licensing.Tests.Http;

/// <summary>The public path's budget: however the cancellation comes back from storage, it is a 503, never a 500.</summary>
public sealed class PublicPathBudgetTests
{
    private static PublicPathBudget Budget() =>
        new(Options.Create(new LicensingOptions { PublicPathBudgetSeconds = 0.5 }), TimeProvider.System);

    [Fact]
    public async Task The_budget_running_out_during_a_storage_clients_retries_is_503_not_500()
    {
        // What Azure SDK clients throw when the token fires after earlier attempts timed out: every attempt, in one aggregate.
        var e = await Assert.ThrowsAsync<ServiceUnavailableException>(() => Budget().RunAsync<int>(async ct =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException cancelled)
            {
                throw new AggregateException("Retry failed after 3 tries.", new TaskCanceledException("network timeout"), cancelled);
            }
            return 0;
        }, CancellationToken.None));
        Assert.Contains("did not answer", e.Message);
    }

    [Fact]
    public async Task Work_done_before_it_first_waits_makes_no_timer_and_work_that_waits_is_timed_on_the_apps_clock()
    {
        var clock = new CountingClock();
        var budget = new PublicPathBudget(Options.Create(new LicensingOptions()), clock);
        Assert.Equal(7, await budget.RunAsync(_ => Task.FromResult(7), CancellationToken.None)); // served from memory
        Assert.Equal(0, clock.Timers);

        var waiting = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = budget.RunAsync(async ct =>
        {
            await using var _ = ct.Register(() => waiting.TrySetCanceled(ct));
            return await waiting.Task;
        }, CancellationToken.None);
        Assert.Equal(1, clock.Timers);
        clock.Advance(TimeSpan.FromSeconds(2.4));
        Assert.False(run.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(0.1)); // the 2.5 s budget, counted on the app's clock
        await Assert.ThrowsAsync<ServiceUnavailableException>(() => run);
    }

    [Fact]
    public async Task A_client_that_goes_away_while_the_work_waits_cancels_it_and_is_no_503()
    {
        var budget = new PublicPathBudget(Options.Create(new LicensingOptions()), new CountingClock());
        using var client = new CancellationTokenSource();
        var run = budget.RunAsync(async ct => { await Task.Delay(Timeout.Infinite, ct); return 0; }, client.Token);
        await client.CancelAsync();
        var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.IsNotType<ServiceUnavailableException>(e);
    }

    /// <summary>A clock that moves only when told, counting the timers made on it and firing them as it passes their time.</summary>
    private sealed class CountingClock : TimeProvider
    {
        private readonly List<(DateTimeOffset At, TimerCallback Callback, object? State)> _due = [];
        private DateTimeOffset _now = DateTimeOffset.UnixEpoch;

        public int Timers { get; private set; }

        public override DateTimeOffset GetUtcNow() => _now;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Timers++;
            lock (_due) _due.Add((_now + dueTime, callback, state));
            return new NoTimer();
        }

        public void Advance(TimeSpan by)
        {
            _now += by;
            List<(DateTimeOffset At, TimerCallback Callback, object? State)> fire;
            lock (_due)
            {
                fire = _due.Where(t => t.At <= _now).ToList();
                _due.RemoveAll(t => t.At <= _now);
            }
            foreach (var t in fire) t.Callback(t.State);
        }

        private sealed class NoTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => false;
            public void Dispose() { }
            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task A_fault_that_is_not_the_budgets_is_left_as_it_is() =>
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Budget().RunAsync<int>(_ => throw new InvalidOperationException("a bug"), CancellationToken.None));
}
