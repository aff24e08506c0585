using Azure.Data.Tables;
using Licensing.Domain.Email;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Email;

/// <summary>
/// <c>emailoutbox</c>: PartitionKey = account id, RowKey = e-mail id (deterministic per purpose). A
/// <see cref="OutboxEmail.Sensitive"/> message keeps its text and HTML sealed (<see cref="TextSealer"/>).
/// </summary>
public sealed class EmailOutboxTableStore(TableStorage tables, TextSealer sealer) : IEmailOutbox, IOutboxErasure
{
    private TableClient Table => tables.Table(TableStorage.EmailOutboxTable);

    public async Task<bool> AddAsync(OutboxEmail email, CancellationToken ct) => await Table.AddIfAbsentAsync(ToEntity(email), ct) is not null;

    public async Task<OutboxEmail?> GetAsync(string accountId, string id, CancellationToken ct) =>
        await Table.GetIfExistsAsync(accountId, id, ct) is { } e ? FromEntity(e) : null;

    public async Task<OutboxEmail> ReplaceAsync(OutboxEmail email, CancellationToken ct) =>
        email with { Version = await Table.ReplaceIfMatchAsync(ToEntity(email), email.Version!, "the outbox e-mail changed", ct) };

    public async Task<int> DeleteToAsync(string accountId, string email, CancellationToken ct)
    {
        var rows = await Table.QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {accountId}"), e => (e.RowKey, To: e.GetString("To")),
            new QueryShape(MaxPerPage: 1000, Select: ["RowKey", "To"]), ct);
        var deleted = 0;
        foreach (var (rowKey, to) in rows)
            if (string.Equals(to, email, StringComparison.OrdinalIgnoreCase) && await Table.DeleteIfExistsAsync(accountId, rowKey, ct)) deleted++;
        return deleted;
    }

    private TableEntity ToEntity(OutboxEmail e) => new(e.AccountId, e.Id)
    {
        ["To"] = e.Message.To,
        ["Subject"] = e.Message.Subject,
        ["Text"] = e.Sensitive ? sealer.Seal(e.Message.Text) : e.Message.Text,
        ["Html"] = e.Sensitive ? sealer.Seal(e.Message.Html) : e.Message.Html,
        ["Sealed"] = e.Sensitive,
        ["MessageId"] = e.Message.MessageId,
        ["State"] = e.State,
        ["Attempts"] = e.Attempts,
        ["ClaimedUntil"] = e.ClaimedUntil,
        ["SentAt"] = e.SentAt,
        ["LastError"] = e.LastError is { Length: > 1000 } tooLong ? tooLong[..1000] : e.LastError,
        ["CreatedAt"] = e.CreatedAt,
    };

    private OutboxEmail FromEntity(TableEntity e)
    {
        var email = Read(e);
        return e.GetBoolean("Sealed") is true
            ? email with { Message = email.Message with { Text = sealer.Open(email.Message.Text), Html = sealer.Open(email.Message.Html) }, Sensitive = true }
            : email;
    }

    private static OutboxEmail Read(TableEntity e) => new()
    {
        AccountId = e.PartitionKey,
        Id = e.RowKey,
        Message = new EmailMessage(e.GetString("To"), e.GetString("Subject"), e.GetString("Text"), e.GetString("Html"), e.GetString("MessageId")),
        State = e.GetString("State") ?? OutboxEmail.Pending,
        Attempts = e.GetInt32("Attempts") ?? 0,
        ClaimedUntil = e.GetDateTimeOffset("ClaimedUntil"),
        SentAt = e.GetDateTimeOffset("SentAt"),
        LastError = e.GetString("LastError"),
        CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
        Version = e.ETag.ToString(),
    };
}
