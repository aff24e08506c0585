using System.Text.Json.Nodes;
using Licensing.Domain.Accounts;
using Licensing.Domain.Audit;
using Microsoft.Extensions.Logging;

namespace Licensing.Functions.Audit;

/// <summary>
/// Records a change an account call made outside licenses (a product, a code batch, integration settings) straight into
/// the audit log. The change is already made: an append that fails is logged, not turned into an error of the call.
/// </summary>
public sealed class AccountAudit(IAuditLog log, TimeProvider clock, ILogger<AccountAudit> logger)
{
    /// <summary>
    /// Records <paramref name="action"/> on <paramref name="target"/> by <paramref name="caller"/>; <paramref name="changes"/> are new values only.
    /// </summary>
    public async Task RecordAsync(Credential caller, string action, ChangeTarget target, IReadOnlyDictionary<string, JsonNode?>? changes,
        CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var record = new ChangeRecord(LicenseChanges.NewId(now), caller.AccountId, now, caller.Actor, action, target,
            changes?.ToDictionary(c => c.Key, c => new FieldChange(null, c.Value), StringComparer.Ordinal));
        try
        {
            await log.AppendAsync(record, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Audit entry {Action} on {TargetType} {TargetId} could not be written", action, target.Type, target.Id);
        }
    }
}
