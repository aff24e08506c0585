using System.Text.Json.Nodes;

namespace Licensing.Domain.Audit;

/// <summary>
/// One state change of an account's data. It is recorded in the same atomic write as the change it describes (so a
/// crash can neither lose it nor record a change that did not happen), then handed to every
/// <see cref="IChangeConsumer"/>: the audit log and outbound webhooks.
/// </summary>
/// <param name="Id">Unique per change; consumers dedupe on it (a webhook's <c>webhook-id</c> derives from it).</param>
/// <param name="Action">What happened, e.g. <c>license.revoked</c>; license and activation actions use the webhook event names.</param>
/// <param name="Changes">Changed fields, old and new values; never secrets or full keys.</param>
/// <param name="LicenseId">The license concerned, when there is one (the audit log lists a license's history by it).</param>
public sealed record ChangeRecord(
    string Id,
    string AccountId,
    DateTimeOffset At,
    Actor Actor,
    string Action,
    ChangeTarget Target,
    IReadOnlyDictionary<string, FieldChange>? Changes = null,
    string? LicenseId = null);

/// <summary>What a change was made to: <c>license</c>, <c>activation</c>, <c>product</c>, <c>apiKey</c>, ...</summary>
public sealed record ChangeTarget(string Type, string Id);

/// <summary>A field's value before and after a change, as JSON (null: absent).</summary>
public sealed record FieldChange(JsonNode? From, JsonNode? To);

/// <summary>Receives every recorded change at least once; must be idempotent by <see cref="ChangeRecord.Id"/>.</summary>
public interface IChangeConsumer
{
    Task ConsumeAsync(ChangeRecord change, CancellationToken ct);
}
