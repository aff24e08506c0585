using Azure.Data.Tables;
using Licensing.Domain.Webhooks;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Webhooks;

/// <summary>
/// <c>webhookdeliveries</c>: PartitionKey = account id, RowKey = <see cref="WebhookDelivery.Key"/>
/// (<c>{endpointId}|{inverted ticks}|{message id}</c>), so an endpoint's deliveries are one RowKey range, newest first.
/// The body is stored in chunks (<see cref="ChunkedText"/>, at most <see cref="PayloadChunks"/>).
/// </summary>
public sealed class WebhookDeliveryTableStore(TableStorage tables) : IWebhookDeliveryStore
{
    /// <summary>The body's budget: 8 chunks of 30,000 characters (the consumer keeps bodies under 200,000).</summary>
    public const int PayloadChunks = 8;

    private TableClient Table => tables.Table(TableStorage.WebhookDeliveriesTable);

    public async Task<bool> AddAsync(WebhookDelivery delivery, CancellationToken ct) => await Table.AddIfAbsentAsync(ToEntity(delivery), ct) is not null;

    public async Task<WebhookDelivery?> GetAsync(string accountId, string key, CancellationToken ct) =>
        await Table.GetIfExistsAsync(accountId, key, ct) is { } e ? FromEntity(e) : null;

    public Task<IReadOnlyList<WebhookDelivery>> ListAsync(string accountId, string endpointId, int limit, CancellationToken ct)
    {
        // '|' + 1 is '}': the range holds exactly the keys that start with "{endpointId}|".
        var from = endpointId + "|";
        var to = endpointId + "}";
        return Table.QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {accountId} and RowKey gt {from} and RowKey lt {to}"), FromEntity,
            new QueryShape(MaxPerPage: Math.Min(limit, 1000), Limit: limit), ct);
    }

    public async Task<WebhookDelivery> ReplaceAsync(WebhookDelivery delivery, CancellationToken ct) =>
        delivery with { Version = await Table.ReplaceIfMatchAsync(ToEntity(delivery), delivery.Version!, "the webhook delivery changed", ct) };

    private static TableEntity ToEntity(WebhookDelivery d)
    {
        var entity = new TableEntity(d.AccountId, d.Key)
        {
            ["EndpointId"] = d.EndpointId,
            ["MessageId"] = d.MessageId,
            ["Type"] = d.Type,
            ["CreatedAt"] = d.CreatedAt,
            ["State"] = d.State,
            ["Attempts"] = d.Attempts,
            ["NextAttemptAt"] = d.NextAttemptAt,
            ["ClaimedUntil"] = d.ClaimedUntil,
            ["LastAttemptAt"] = d.LastAttemptAt,
            ["ResponseStatus"] = d.ResponseStatus,
            ["LastError"] = d.LastError is { Length: > 1000 } tooLong ? tooLong[..1000] : d.LastError,
            ["DeliveredAt"] = d.DeliveredAt,
        };
        ChunkedText.Write(entity, "Payload", "payload", d.Payload, PayloadChunks);
        return entity;
    }

    private static WebhookDelivery FromEntity(TableEntity e) => new()
    {
        AccountId = e.PartitionKey,
        EndpointId = e.GetString("EndpointId"),
        MessageId = e.GetString("MessageId"),
        Type = e.GetString("Type"),
        Payload = ChunkedText.Read(e, "Payload") ?? "",
        CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
        State = e.GetString("State") ?? WebhookDelivery.Pending,
        Attempts = e.GetInt32("Attempts") ?? 0,
        NextAttemptAt = e.GetDateTimeOffset("NextAttemptAt"),
        ClaimedUntil = e.GetDateTimeOffset("ClaimedUntil"),
        LastAttemptAt = e.GetDateTimeOffset("LastAttemptAt"),
        ResponseStatus = e.GetInt32("ResponseStatus"),
        LastError = e.GetString("LastError"),
        DeliveredAt = e.GetDateTimeOffset("DeliveredAt"),
        Version = e.ETag.ToString(),
    };

    /// <summary>Customer erasure: the address (any case) becomes [erased] in every delivery body of the account.</summary>
    public Task<int> EraseAsync(string accountId, string email, CancellationToken ct) => Table.RedactPartitionAsync(accountId, email, ct, "Payload");
}
