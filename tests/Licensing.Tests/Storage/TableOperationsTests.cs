using Azure.Data.Tables;
using Licensing.Domain.Common;
using Licensing.Functions.Storage;
using Licensing.Tests.Support;

namespace Licensing.Tests.Storage;

/// <summary>
/// The Table helpers every adapter goes through (<see cref="TableOperations"/>): what each makes of 404, 409 and 412
/// against Azurite, and that a store that cannot be reached is <see cref="ServiceUnavailableException"/> (503) from
/// every one of them.
/// </summary>
public sealed class TableOperationsTests
{
    private static readonly TableClient Table = CreateTable();

    private static TableClient CreateTable()
    {
        var table = new TableServiceClient(TestHost.Azurite, ShortRetries()).GetTableClient("tableoperationstests");
        table.CreateIfNotExists();
        return table;
    }

    /// <summary>Nothing listens on port 1: connections are refused at once.</summary>
    private static readonly TableClient Dead = new TableServiceClient(
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
        + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
        + "TableEndpoint=http://127.0.0.1:1/devstoreaccount1;",
        ShortRetries()).GetTableClient("tableoperationstests");

    private static TableClientOptions ShortRetries()
    {
        var options = new TableClientOptions();
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(100);
        return options;
    }

    private static string NewPartition() => "p" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task A_miss_is_null_and_a_hit_is_the_entity()
    {
        var pk = NewPartition();
        Assert.Null(await Table.GetIfExistsAsync(pk, "a", default));
        await Table.AddEntityAsync(new TableEntity(pk, "a") { ["V"] = 1 });
        Assert.Equal(1, (await Table.GetIfExistsAsync(pk, "a", default))!.GetInt32("V"));
    }

    [Fact]
    public async Task Add_if_absent_gives_the_new_etag_once_and_null_when_the_keys_are_taken()
    {
        var pk = NewPartition();
        var first = await Table.AddIfAbsentAsync(new TableEntity(pk, "a") { ["V"] = 1 }, default);
        Assert.False(string.IsNullOrEmpty(first));
        Assert.Null(await Table.AddIfAbsentAsync(new TableEntity(pk, "a") { ["V"] = 2 }, default));
        var stored = (await Table.GetIfExistsAsync(pk, "a", default))!;
        Assert.Equal(1, stored.GetInt32("V"));
        Assert.Equal(first, stored.ETag.ToString());
    }

    [Fact]
    public async Task Replace_if_match_writes_only_the_version_read_and_names_a_change_or_a_loss()
    {
        var pk = NewPartition();
        var v1 = (await Table.AddIfAbsentAsync(new TableEntity(pk, "a") { ["V"] = 1 }, default))!;
        var v2 = await Table.ReplaceIfMatchAsync(new TableEntity(pk, "a") { ["V"] = 2 }, v1, "changed", default);
        Assert.NotEqual(v1, v2);

        var stale = await Assert.ThrowsAsync<ConcurrencyException>(() => Table.ReplaceIfMatchAsync(new TableEntity(pk, "a") { ["V"] = 3 }, v1, "changed",
            default));
        Assert.Equal("changed", stale.Message);
        Assert.Equal(2, (await Table.GetIfExistsAsync(pk, "a", default))!.GetInt32("V"));

        await Assert.ThrowsAsync<ConcurrencyException>(() => Table.ReplaceIfMatchAsync(new TableEntity(pk, "gone") { ["V"] = 1 }, v2!, "changed", default));
        var gone = await Assert.ThrowsAsync<NotFoundException>(() => Table.ReplaceIfMatchAsync(new TableEntity(pk, "gone") { ["V"] = 1 }, v2!, "changed",
            "no such thing", TableUpdateMode.Replace, default));
        Assert.Equal("no such thing", gone.Message);
        Assert.Null(await Table.GetIfExistsAsync(pk, "gone", default));
    }

    [Fact]
    public async Task Add_or_replace_if_match_refuses_a_second_add_and_a_stale_replace()
    {
        var pk = NewPartition();
        var v1 = await Table.AddOrReplaceIfMatchAsync(new TableEntity(pk, "a") { ["V"] = 1 }, null, "changed", TableUpdateMode.Replace, default);
        await Assert.ThrowsAsync<ConcurrencyException>(() => Table.AddOrReplaceIfMatchAsync(new TableEntity(pk, "a") { ["V"] = 9 }, null, "changed",
            TableUpdateMode.Replace, default));
        await Table.AddOrReplaceIfMatchAsync(new TableEntity(pk, "a") { ["V"] = 2 }, v1, "changed", TableUpdateMode.Replace, default);
        await Assert.ThrowsAsync<ConcurrencyException>(() => Table.AddOrReplaceIfMatchAsync(new TableEntity(pk, "a") { ["V"] = 9 }, v1, "changed",
            TableUpdateMode.Replace, default));
        Assert.Equal(2, (await Table.GetIfExistsAsync(pk, "a", default))!.GetInt32("V"));
    }

    [Fact]
    public async Task Replace_if_exists_is_false_for_a_missing_entity_and_writes_nothing()
    {
        var pk = NewPartition();
        Assert.False(await Table.ReplaceIfExistsAsync(new TableEntity(pk, "a") { ["V"] = 1 }, TableUpdateMode.Merge, default));
        Assert.Null(await Table.GetIfExistsAsync(pk, "a", default));
        await Table.AddEntityAsync(new TableEntity(pk, "a") { ["V"] = 1, ["W"] = 1 });
        Assert.True(await Table.ReplaceIfExistsAsync(new TableEntity(pk, "a") { ["V"] = 2 }, TableUpdateMode.Merge, default));
        var merged = (await Table.GetIfExistsAsync(pk, "a", default))!;
        Assert.Equal((2, 1), (merged.GetInt32("V"), merged.GetInt32("W")));
    }

    [Fact]
    public async Task Delete_if_exists_leaves_a_changed_entity_and_is_false_for_a_missing_one()
    {
        var pk = NewPartition();
        var v1 = (await Table.AddIfAbsentAsync(new TableEntity(pk, "a"), default))!;
        await Table.UpsertAsync(new TableEntity(pk, "a") { ["V"] = 2 }, default);
        Assert.False(await Table.DeleteIfExistsAsync(pk, "a", v1, default));
        Assert.NotNull(await Table.GetIfExistsAsync(pk, "a", default));
        Assert.True(await Table.DeleteIfExistsAsync(pk, "a", default));
        Assert.False(await Table.DeleteIfExistsAsync(pk, "a", default));
    }

    [Fact]
    public async Task Query_maps_every_match_up_to_the_limit_and_pages_carry_a_token()
    {
        var pk = NewPartition();
        for (var i = 0; i < 5; i++) await Table.AddEntityAsync(new TableEntity(pk, $"r{i}") { ["V"] = i });
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {pk}");
        Assert.Equal([0, 1, 2, 3, 4], await Table.QueryAsync(filter, e => e.GetInt32("V") ?? -1, default));
        Assert.Equal([0, 1, 2], await Table.QueryAsync(filter, e => e.GetInt32("V") ?? -1, new QueryShape(2, null, 3), default));

        var (first, token) = await Table.QueryPageAsync(filter, 3, null, default);
        Assert.Equal(3, first.Count);
        var (rest, end) = await Table.QueryPageAsync(filter, 3, token, default);
        Assert.Equal(["r3", "r4"], rest.Select(e => e.RowKey));
        Assert.Null(end);

        var scanned = new List<string>();
        await foreach (var e in Table.ScanAsync(filter, 2, default)) scanned.Add(e.RowKey);
        Assert.Equal(5, scanned.Count);
    }

    [Fact]
    public async Task A_transaction_that_fails_says_which_action_and_why_and_writes_nothing()
    {
        var pk = NewPartition();
        await Table.AddEntityAsync(new TableEntity(pk, "b"));
        var outcome = await Table.SubmitIfAsync(
        [
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(pk, "a")),
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(pk, "b")),
        ], default);
        Assert.False(outcome.Committed);
        Assert.Equal((409, 1), (outcome.FailedStatus, outcome.FailedIndex));
        Assert.Null(await Table.GetIfExistsAsync(pk, "a", default));

        var committed = await Table.SubmitIfAsync([new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(pk, "a"))], default);
        Assert.True(committed.Committed);
        Assert.Equal((await Table.GetIfExistsAsync(pk, "a", default))!.ETag.ToString(), committed.ETags[0]);
    }

    public static TheoryData<string> Operations => [.. DeadCalls.Keys];

    private static readonly Dictionary<string, Func<Task>> DeadCalls = new()
    {
        ["get"] = () => Dead.GetIfExistsAsync("p", "r", default),
        ["add"] = () => Dead.AddIfAbsentAsync(new TableEntity("p", "r"), default),
        ["replace"] = () => Dead.ReplaceIfMatchAsync(new TableEntity("p", "r"), "W/\"x\"", "changed", default),
        ["replace-if-exists"] = () => Dead.ReplaceIfExistsAsync(new TableEntity("p", "r"), TableUpdateMode.Replace, default),
        ["upsert"] = () => Dead.UpsertAsync(new TableEntity("p", "r"), default),
        ["delete"] = () => Dead.DeleteIfExistsAsync("p", "r", default),
        ["query"] = () => Dead.QueryAsync("PartitionKey eq 'p'", e => e, default),
        ["page"] = () => Dead.QueryPageAsync("PartitionKey eq 'p'", 10, null, default),
        ["scan"] = async () => { await foreach (var _ in Dead.ScanAsync("PartitionKey eq 'p'", 1000, default)) { } },
        ["transaction"] = () => Dead.SubmitIfAsync([new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "r"))], default),
        ["submit"] = () => Dead.SubmitAsync([new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "r"))], default),
    };

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task A_store_that_cannot_be_reached_is_service_unavailable(string operation) =>
        await Assert.ThrowsAsync<ServiceUnavailableException>(DeadCalls[operation]);
}
