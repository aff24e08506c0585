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
    public async Task A_fault_that_is_not_the_budgets_is_left_as_it_is() =>
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Budget().RunAsync<int>(_ => throw new InvalidOperationException("a bug"), CancellationToken.None));
}
