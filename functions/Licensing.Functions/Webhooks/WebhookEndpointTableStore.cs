using Azure.Data.Tables;
using Licensing.Domain.Webhooks;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Webhooks;

/// <summary><c>webhookendpoints</c>: PartitionKey = account id, RowKey = endpoint id. No secret: that is in the secret store.</summary>
public sealed class WebhookEndpointTableStore(TableStorage tables) : IWebhookEndpointStore
{
    private TableClient Table => tables.Table(TableStorage.WebhookEndpointsTable);

    public async Task AddAsync(WebhookEndpoint endpoint, CancellationToken ct) =>
        _ = await Table.AddIfAbsentAsync(ToEntity(endpoint), ct) ?? throw new InvalidOperationException($"endpoint id {endpoint.Id} is taken");

    public async Task<WebhookEndpoint?> GetAsync(string accountId, string endpointId, CancellationToken ct) =>
        await Table.GetIfExistsAsync(accountId, endpointId, ct) is { } e ? FromEntity(e) : null;

    public Task<IReadOnlyList<WebhookEndpoint>> ListAsync(string accountId, CancellationToken ct) =>
        Table.QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {accountId}"), FromEntity, ct);

    public async Task<WebhookEndpoint> ReplaceAsync(WebhookEndpoint endpoint, CancellationToken ct) =>
        endpoint with { Version = await Table.ReplaceIfMatchAsync(ToEntity(endpoint), endpoint.Version!, "the webhook endpoint changed", ct) };

    public Task<bool> DeleteAsync(string accountId, string endpointId, CancellationToken ct) => Table.DeleteIfExistsAsync(accountId, endpointId, ct);

    private static TableEntity ToEntity(WebhookEndpoint e) => new(e.AccountId, e.Id)
    {
        ["Url"] = e.Url,
        ["Events"] = string.Join(',', e.Events),
        ["CreatedAt"] = e.CreatedAt,
        ["DisabledAt"] = e.DisabledAt,
        ["DisabledReason"] = e.DisabledReason,
    };

    private static WebhookEndpoint FromEntity(TableEntity e) => new()
    {
        AccountId = e.PartitionKey,
        Id = e.RowKey,
        Url = e.GetString("Url"),
        Events = (e.GetString("Events") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries),
        CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
        DisabledAt = e.GetDateTimeOffset("DisabledAt"),
        DisabledReason = e.GetString("DisabledReason"),
        Version = e.ETag.ToString(),
    };
}
