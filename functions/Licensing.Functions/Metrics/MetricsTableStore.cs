using System.Text.Json;
using Azure;
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
        Concurrency.RetryAsync(token => StorageFaults.Guard(async () =>
        {
            var r = await Table.GetEntityIfExistsAsync<TableEntity>($"{accountId}|{productId}", day, cancellationToken: token);
            var e = r.HasValue ? r.Value! : new TableEntity($"{accountId}|{productId}", day);
            e["Validations"] = (e.GetInt64("Validations") ?? 0) + delta.Validations;
            e["ValidValidations"] = (e.GetInt64("ValidValidations") ?? 0) + delta.ValidValidations;
            e["Renewals"] = (e.GetInt64("Renewals") ?? 0) + delta.Renewals;
            e["Expirations"] = (e.GetInt64("Expirations") ?? 0) + delta.Expirations;
            if (delta.FirstValidationSeconds is { Count: > 0 } firsts)
                e["FirstValidationSeconds"] = JsonSerializer.Serialize(Samples(e).Concat(firsts).Take(MaxSamples));
            await SaveAsync(e, r.HasValue, token);
            return true;
        }, token), ct);

    public Task SetSnapshotAsync(string accountId, string productId, string day, long issued, long active, long activeDomains, CancellationToken ct) =>
        StorageFaults.Guard(() => Table.UpsertEntityAsync(new TableEntity($"{accountId}|{productId}", day)
        {
            ["Issued"] = issued,
            ["Active"] = active,
            ["ActiveDomains"] = activeDomains,
        }, TableUpdateMode.Merge, ct), ct);

    public Task<IReadOnlyList<DayMetrics>> RangeAsync(string accountId, string productId, string fromDay, string toDay, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            var partition = $"{accountId}|{productId}";
            var result = new List<DayMetrics>();
            await foreach (var e in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {fromDay} and RowKey le {toDay}"), cancellationToken: ct))
                result.Add(new DayMetrics
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
                });
            return (IReadOnlyList<DayMetrics>)result;
        }, ct);

    private static long[] Samples(TableEntity e) => JsonSerializer.Deserialize<long[]>(e.GetString("FirstValidationSeconds") ?? "[]") ?? [];

    private async Task SaveAsync(TableEntity e, bool exists, CancellationToken ct)
    {
        try
        {
            if (exists) await Table.UpdateEntityAsync(e, e.ETag, TableUpdateMode.Replace, ct);
            else await Table.AddEntityAsync(e, ct);
        }
        catch (RequestFailedException x) when (x.Status is 409 or 412)
        {
            throw new ConcurrencyException("metrics changed");
        }
    }
}
