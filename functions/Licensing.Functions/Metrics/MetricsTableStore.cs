using System.Text.Json;
using Azure.Data.Tables;
using Licensing.Domain.Common;
using Licensing.Domain.Metrics;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Metrics;

/// <summary><c>metrics</c>: PartitionKey = "{account}|{product}", RowKey = "yyyy-MM-dd"; counters and the roll-up snapshot.</summary>
public sealed class MetricsTableStore(TableStorage tables) : IMetricsStore
{
    private const int MaxSamples = 2000;
    private TableClient Table => tables.Table(TableStorage.MetricsTable);

    public Task AddAsync(string accountId, string productId, string day, MetricsDelta delta, CancellationToken ct) =>
        Concurrency.RetryAsync(async token =>
        {
            var read = await Table.GetIfExistsAsync($"{accountId}|{productId}", day, token);
            var e = read ?? new TableEntity($"{accountId}|{productId}", day);
            e["Validations"] = (e.GetInt64("Validations") ?? 0) + delta.Validations;
            e["ValidValidations"] = (e.GetInt64("ValidValidations") ?? 0) + delta.ValidValidations;
            e["Renewals"] = (e.GetInt64("Renewals") ?? 0) + delta.Renewals;
            e["Expirations"] = (e.GetInt64("Expirations") ?? 0) + delta.Expirations;
            if (delta.FirstValidationSeconds is { Count: > 0 } firsts)
                e["FirstValidationSeconds"] = JsonSerializer.Serialize(Samples(e).Concat(firsts).Take(MaxSamples));
            await Table.AddOrReplaceIfMatchAsync(e, read?.ETag.ToString(), "metrics changed", TableUpdateMode.Replace, token);
            return true;
        }, ct);

    public Task UpsertSnapshotAsync(string accountId, string productId, string day, long issued, long active, long activeDomains, CancellationToken ct) =>
        Table.UpsertAsync(new TableEntity($"{accountId}|{productId}", day)
        {
            ["Issued"] = issued,
            ["Active"] = active,
            ["ActiveDomains"] = activeDomains,
        }, TableUpdateMode.Merge, ct);

    public Task<IReadOnlyList<DayMetrics>> ListAsync(string accountId, string productId, string fromDay, string toDay, CancellationToken ct)
    {
        var partition = $"{accountId}|{productId}";
        return Table.QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {fromDay} and RowKey le {toDay}"), e => new DayMetrics
        {
            Day = e.RowKey,
            Validations = e.GetInt64("Validations") ?? 0,
            ValidValidations = e.GetInt64("ValidValidations") ?? 0,
            Renewals = e.GetInt64("Renewals") ?? 0,
            Expirations = e.GetInt64("Expirations") ?? 0,
            FirstValidationSeconds = Samples(e),
            Issued = e.GetInt64("Issued"),
            Active = e.GetInt64("Active"),
            ActiveDomains = e.GetInt64("ActiveDomains"),
        }, ct);
    }

    private static long[] Samples(TableEntity e) => JsonSerializer.Deserialize<long[]>(e.GetString("FirstValidationSeconds") ?? "[]") ?? [];
}
