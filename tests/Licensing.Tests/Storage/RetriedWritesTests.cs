using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Licensing.Domain.Common;
using Licensing.Functions.Storage;
using Licensing.Tests.Support;

namespace Licensing.Tests.Storage;

/// <summary>
/// A slow store under load: the storage client's attempt lands on Azurite but its answer is lost (a network timeout), so
/// the client sends the same write again and meets its own entity (409) or the ETag it changed itself (412). The Table
/// helpers tell that from someone else's write (<see cref="RetriedWrites"/>), instead of answering "taken" or "changed".
/// </summary>
public sealed class RetriedWritesTests
{
    /// <summary>Lets the first attempt of each call reach Azurite, then loses its answer the way a network timeout does.</summary>
    private sealed class LoseFirstAnswer : HttpPipelinePolicy
    {
        public int Lost;

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            if (message.ProcessingContext.RetryNumber == 0 && message.Request.Method != RequestMethod.Get)
            {
                Interlocked.Increment(ref Lost);
                throw new IOException("the answer was lost on the way back");
            }
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => throw new NotSupportedException();
    }

    private static (TableClient Table, LoseFirstAnswer Faults) LossyTable()
    {
        var options = new TableClientOptions();
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        var faults = new LoseFirstAnswer();
        options.AddPolicy(new RetriedWrites(), HttpPipelinePosition.PerRetry);
        options.AddPolicy(faults, HttpPipelinePosition.PerRetry);
        var table = new TableServiceClient(TestHost.Azurite, options).GetTableClient("retriedwritestests");
        new TableServiceClient(TestHost.Azurite).GetTableClient("retriedwritestests").CreateIfNotExists();
        return (table, faults);
    }

    private static readonly TableClient Plain = new(TestHost.Azurite, "retriedwritestests");

    private static string NewPartition() => "p" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task An_add_whose_first_answer_was_lost_is_the_apps_own_add_not_a_taken_key()
    {
        var (table, faults) = LossyTable();
        var pk = NewPartition();
        var etag = await table.AddIfAbsentAsync(new TableEntity(pk, "a") { ["V"] = 1, ["At"] = DateTimeOffset.UtcNow }, default);
        Assert.Equal(1, faults.Lost);
        Assert.NotNull(etag);
        Assert.Equal(etag, (await Plain.GetEntityAsync<TableEntity>(pk, "a")).Value.ETag.ToString());
    }

    [Fact]
    public async Task A_key_taken_by_someone_else_is_still_taken_when_the_answer_was_lost()
    {
        var (table, faults) = LossyTable();
        var pk = NewPartition();
        await Plain.AddEntityAsync(new TableEntity(pk, "a") { ["V"] = 1 });
        Assert.Null(await table.AddIfAbsentAsync(new TableEntity(pk, "a") { ["V"] = 2 }, default));
        Assert.Equal(1, faults.Lost);
        Assert.Equal(1, (await Plain.GetEntityAsync<TableEntity>(pk, "a")).Value.GetInt32("V"));
    }

    [Fact]
    public async Task A_conditional_replace_whose_first_answer_was_lost_returns_its_etag_and_a_real_change_is_still_a_conflict()
    {
        var (table, faults) = LossyTable();
        var pk = NewPartition();
        var v1 = (await Plain.AddEntityAsync(new TableEntity(pk, "a") { ["Count"] = 1 })).Headers.ETag!.Value.ToString();
        var v2 = await table.ReplaceIfMatchAsync(new TableEntity(pk, "a") { ["Count"] = 2 }, v1, "changed", default);
        Assert.Equal(1, faults.Lost);
        Assert.Equal(v2, (await Plain.GetEntityAsync<TableEntity>(pk, "a")).Value.ETag.ToString());

        // Someone else moved it on: replacing from the stale ETag is a conflict, answer lost or not.
        await Plain.UpdateEntityAsync(new TableEntity(pk, "a") { ["Count"] = 7 }, ETag.All, TableUpdateMode.Replace);
        await Assert.ThrowsAsync<ConcurrencyException>(() => table.ReplaceIfMatchAsync(new TableEntity(pk, "a") { ["Count"] = 3 }, v2!, "changed", default));
        Assert.Equal(7, (await Plain.GetEntityAsync<TableEntity>(pk, "a")).Value.GetInt32("Count"));
    }

    [Fact]
    public async Task A_transaction_whose_first_answer_was_lost_committed_and_one_that_met_another_entity_did_not()
    {
        var (table, faults) = LossyTable();
        var pk = NewPartition();
        var counter = (await Plain.AddEntityAsync(new TableEntity(pk, "count") { ["N"] = 0 })).Headers.ETag!.Value;
        var outcome = await table.SubmitIfAsync(
        [
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(pk, "row") { ["At"] = DateTimeOffset.UtcNow }),
            new TableTransactionAction(TableTransactionActionType.UpdateReplace, new TableEntity(pk, "count") { ["N"] = 1 }, counter),
        ], default);
        Assert.Equal(1, faults.Lost);
        Assert.True(outcome.Committed);
        Assert.Equal((await Plain.GetEntityAsync<TableEntity>(pk, "row")).Value.ETag.ToString(), outcome.ETags[0]);

        var other = await table.SubmitIfAsync(
        [
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(pk, "row") { ["At"] = DateTimeOffset.UtcNow.AddDays(1) }),
            new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(pk, "count") { ["N"] = 5 }),
        ], default);
        Assert.Equal((409, 0), (other.FailedStatus, other.FailedIndex));
        Assert.Equal(1, (await Plain.GetEntityAsync<TableEntity>(pk, "count")).Value.GetInt32("N"));
    }
}
