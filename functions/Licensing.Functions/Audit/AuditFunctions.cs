using System.Globalization;
using Licensing.Domain.Accounts;
using Licensing.Domain.Audit;
using Licensing.Domain.Common;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Audit;

/// <summary><c>GET /v1/audit</c>: the account's audit log, or one license's history, newest first, paged. docs/audit.md.</summary>
public sealed class AuditFunctions(IAuditStore audit, RequestAuth auth, ContinuationTokens tokens, TimeProvider clock)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    [Function(nameof(ListAudit))]
    public async Task<IActionResult> ListAudit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/audit")] HttpRequest req, CancellationToken ct)
    {
        var caller = await auth.RequireAccountAsync(req, Scopes.AuditRead, ct);
        var (query, raw) = Parse(req.Query);
        var scope = ContinuationTokens.Scope("audit", caller.AccountId, raw.LicenseId, raw.From, raw.To,
            raw.Limit.ToString(CultureInfo.InvariantCulture));
        var opened = query with { ContinuationToken = tokens.Open(query.ContinuationToken, scope) };
        var page = await audit.ListAsync(caller.AccountId, opened, clock.GetUtcNow(), ct);
        return new ApiJsonResult(StatusCodes.Status200OK, new
        {
            items = page.Items.Select(ToResponse),
            continuationToken = tokens.Seal(page.ContinuationToken, scope),
        });
    }

    /// <summary>An entry as the API shows it.</summary>
    public static object ToResponse(ChangeRecord r) => new
    {
        id = r.Id,
        at = r.At,
        actor = new { type = r.Actor.Type, id = r.Actor.Id },
        action = r.Action,
        target = new { type = r.Target.Type, id = r.Target.Id },
        licenseId = r.LicenseId,
        changes = r.Changes?.ToDictionary(c => c.Key, c => new { from = c.Value.From, to = c.Value.To }),
    };

    private sealed record RawFilters(string? LicenseId, string? From, string? To, int Limit);

    private static (AuditQuery Query, RawFilters Raw) Parse(IQueryCollection query)
    {
        var errors = new FieldErrors();
        string? Single(string name) => QueryParameters.Single(query, name, errors);
        DateTimeOffset? Time(string name, string? text)
        {
            if (text is null) return null;
            if (text.Contains('T') && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                return at.ToUniversalTime();
            errors.Add(name, "must be an RFC 3339 time, e.g. 2027-01-31T00:00:00Z");
            return null;
        }
        var raw = new RawFilters(Single("licenseId"), Single("from"), Single("to"), QueryParameters.Limit(query, DefaultPageSize, MaxPageSize, errors));
        if (raw.LicenseId is not null && !Ids.IsLicenseId(raw.LicenseId)) errors.Add("licenseId", "is not a license id (lic_ and 24 hex digits)");
        var from = Time("from", raw.From);
        var to = Time("to", raw.To);
        if (from is not null && to is not null && from >= to) errors.Add("from", "must be before to");
        var token = Single("continuationToken");
        errors.ThrowIfAny();
        return (new AuditQuery(raw.LicenseId, from, to, token, raw.Limit), raw);
    }
}
