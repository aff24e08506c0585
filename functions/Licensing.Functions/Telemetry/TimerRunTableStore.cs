using Azure.Data.Tables;
using Licensing.Domain.Telemetry;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Telemetry;

/// <summary><c>timerruns</c>: PartitionKey = "timers", RowKey = the function's name; the last run of each timer.</summary>
public sealed class TimerRunTableStore(TableStorage tables) : ITimerRunStore
{
    private const string Partition = "timers";
    private TableClient Table => tables.Table(TableStorage.TimerRunsTable);

    public Task UpsertAsync(TimerRun run, CancellationToken ct) =>
        Table.UpsertAsync(new TableEntity(Partition, TableKeys.For(run.Name))
        {
            ["Name"] = run.Name,
            ["StartedAt"] = run.StartedAt,
            ["FinishedAt"] = run.FinishedAt,
            ["Outcome"] = run.Outcome,
            ["Error"] = run.Error,
        }, TableUpdateMode.Replace, ct);

    public Task<IReadOnlyList<TimerRun>> ListAsync(CancellationToken ct) =>
        Table.QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), e => new TimerRun(
            e.GetString("Name") ?? e.RowKey,
            e.GetDateTimeOffset("StartedAt") ?? DateTimeOffset.MinValue,
            e.GetDateTimeOffset("FinishedAt"),
            e.GetString("Outcome") ?? TimerRun.Running,
            e.GetString("Error")), ct);
}
