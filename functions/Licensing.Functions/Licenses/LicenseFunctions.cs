using Licensing.Domain.Accounts;
using Licensing.Domain.Activations;
using Licensing.Domain.Activity;
using Licensing.Domain.Common;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Licensing.Functions.Licenses;

/// <summary>Account endpoints for licenses: issue, read, list and the state verbs.</summary>
public sealed class LicenseFunctions(LicenseService licenses, LicenseSearch search, IdempotentIssuance idempotent, IActivityStore activity,
    Licensing.Domain.Metrics.IMetricsStore metrics, RequestAuth auth, TimeProvider clock, ContinuationTokens tokens,
    Microsoft.Extensions.Logging.ILogger<LicenseFunctions> logger)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 100;

    public sealed record IssueLicenseRequest(
        string? ProductId, string? CustomerEmail, List<string?>? Domains, string? Plan, List<string?>? Features,
        DateTimeOffset? ExpiresAt, int? MaxActivations, Dictionary<string, string?>? Metadata);

    public sealed record RenewLicenseRequest(DateTimeOffset? ExpiresAt, DateTimeOffset? UpdatesUntil);

    [Function(nameof(IssueLicense))]
    public async Task<IActionResult> IssueLicense(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/licenses")] HttpRequest req, CancellationToken ct)
    {
        var caller = await auth.RequireAccountAsync(req, Scopes.LicensesWrite, ct);
        var idempotencyKey = IdempotentIssuance.ParseKey(req.Headers[IdempotentIssuance.Header]);
        var b = await RequestBody.ReadJsonAsync<IssueLicenseRequest>(req, ct);
        var input = new IssueLicenseInput(b.ProductId, b.CustomerEmail, b.Domains, b.Plan, b.Features, b.ExpiresAt, b.MaxActivations, b.Metadata);
        var (license, replayed) = idempotencyKey is null
            ? (await licenses.IssueAsync(caller.AccountId, caller.Actor, input, ct), false)
            : await idempotent.IssueAsync(caller.AccountId, caller.Actor, idempotencyKey, input, ct);
        var result = new ApiJsonResult(StatusCodes.Status201Created, ToResponse(license, await licenses.ActivationsAsync(license, ct), clock.GetUtcNow()));
        if (replayed) result.Headers["Idempotent-Replayed"] = "true";
        return result;
    }

    [Function(nameof(GetLicense))]
    public async Task<IActionResult> GetLicense(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/licenses/{licenseId}")] HttpRequest req, string licenseId, CancellationToken ct)
    {
        var accountId = (await auth.RequireAccountAsync(req, Scopes.LicensesRead, ct)).AccountId;
        var license = await licenses.GetAsync(accountId, licenseId, ct);
        var activations = licenses.ActivationsAsync(license, ct);
        var seen = await activity.GetAsync(accountId, licenseId, ct);
        var now = clock.GetUtcNow();
        var windowOpen = seen is not null && now - seen.WindowStart < SharingSignal.Window;
        var body = ToResponse(license, await activations, now);
        return new ApiJsonResult(StatusCodes.Status200OK, new Dictionary<string, object?>(body)
        {
            ["usage"] = new
            {
                firstValidatedAt = seen?.FirstValidatedAt,
                lastValidatedAt = seen?.LastValidatedAt,
                validations = seen?.Validations ?? 0,
                validValidations = seen?.ValidValidations ?? 0,
                daily = ValidationTimeline.Within(seen?.Daily ?? [], now).Select(d => new { date = d.Date, validations = d.Validations, valid = d.Valid }),
            },
            ["sharing"] = new
            {
                suspected = windowOpen && seen!.SharingSuspectedAt is not null,
                suspectedAt = windowOpen ? seen!.SharingSuspectedAt : null,
                windowHours = (int)SharingSignal.Window.TotalHours,
                windowStart = windowOpen ? seen!.WindowStart : (DateTimeOffset?)null,
                distinctDomains = windowOpen ? seen!.WindowDomains.Count : 0,
                distinctAddresses = windowOpen ? seen!.WindowAddresses.Count : 0,
                domains = windowOpen ? seen!.WindowDomains : [],
                distinctDevelopmentHosts = windowOpen ? seen!.WindowDevelopmentHosts.Count : 0,
                developmentHosts = windowOpen ? seen!.WindowDevelopmentHosts : [],
            },
        });
    }

    [Function(nameof(ListLicenses))]
    public async Task<IActionResult> ListLicenses(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/licenses")] HttpRequest req, CancellationToken ct)
    {
        var accountId = (await auth.RequireAccountAsync(req, Scopes.LicensesRead, ct)).AccountId;
        if (SearchTerms(req.Query) is var (key, domain) && (key ?? domain) is not null)
        {
            var found = key is not null ? await search.ByKeyAsync(accountId, key, ct) : await search.ByDomainAsync(accountId, domain!, ct);
            var now1 = clock.GetUtcNow();
            var rows = await Task.WhenAll(found.Select(async l => ToResponse(l, await licenses.ActivationsAsync(l, ct), now1)));
            return new ApiJsonResult(StatusCodes.Status200OK, new { items = rows, continuationToken = (string?)null });
        }
        var query = ParseQuery(req.Query);
        var scope = ContinuationTokens.Scope("licenses", accountId, query.ProductId, query.CustomerEmail, query.Status?.ToWire(), query.Plan);
        var page = await licenses.ListAsync(accountId, query with { ContinuationToken = tokens.Open(query.ContinuationToken, scope) }, ct);
        var now = clock.GetUtcNow();
        // Each license's activations are a range read of their own; a page reads them a few at a time.
        var items = new IReadOnlyDictionary<string, object?>[page.Items.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, items.Length), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (i, token) => items[i] = ToResponse(page.Items[i], await licenses.ActivationsAsync(page.Items[i], token), now));
        return new ApiJsonResult(StatusCodes.Status200OK, new { items, continuationToken = tokens.Seal(page.ContinuationToken, scope) });
    }

    [Function(nameof(SuspendLicense))]
    public async Task<IActionResult> SuspendLicense(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/licenses/{licenseId}/suspend")] HttpRequest req, string licenseId,
        CancellationToken ct)
    {
        var caller = await auth.RequireAccountAsync(req, Scopes.LicensesWrite, ct);
        return await OkAsync(await licenses.SuspendAsync(caller.AccountId, licenseId, caller.Actor, ct), ct);
    }

    [Function(nameof(ReinstateLicense))]
    public async Task<IActionResult> ReinstateLicense(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/licenses/{licenseId}/reinstate")] HttpRequest req, string licenseId,
        CancellationToken ct)
    {
        var caller = await auth.RequireAccountAsync(req, Scopes.LicensesWrite, ct);
        return await OkAsync(await licenses.ReinstateAsync(caller.AccountId, licenseId, caller.Actor, ct), ct);
    }

    [Function(nameof(RevokeLicense))]
    public async Task<IActionResult> RevokeLicense(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/licenses/{licenseId}/revoke")] HttpRequest req, string licenseId,
        CancellationToken ct)
    {
        var caller = await auth.RequireAccountAsync(req, Scopes.LicensesWrite, ct);
        return await OkAsync(await licenses.RevokeAsync(caller.AccountId, licenseId, caller.Actor, ct), ct);
    }

    [Function(nameof(RenewLicense))]
    public async Task<IActionResult> RenewLicense(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/licenses/{licenseId}/renew")] HttpRequest req, string licenseId, CancellationToken ct)
    {
        var caller = await auth.RequireAccountAsync(req, Scopes.LicensesWrite, ct);
        var body = await RequestBody.ReadJsonAsync<RenewLicenseRequest>(req, ct);
        var renewed = await licenses.RenewAsync(caller.AccountId, licenseId, caller.Actor, body.ExpiresAt, body.UpdatesUntil, ct);
        await CountRenewalAsync(renewed, ct);
        return await OkAsync(renewed, ct);
    }

    /// <summary>Renewals feed the renewal-rate metric; counting is telemetry and never fails the renewal.</summary>
    private async Task CountRenewalAsync(License license, CancellationToken ct)
    {
        try
        {
            await metrics.AddAsync(license.AccountId, license.ProductId, Licensing.Domain.Metrics.MetricDays.Of(clock.GetUtcNow()),
                new Licensing.Domain.Metrics.MetricsDelta(Renewals: 1), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Counting the renewal of {LicenseId} failed", license.Id);
        }
    }

    private async Task<IActionResult> OkAsync(License license, CancellationToken ct) =>
        new ApiJsonResult(StatusCodes.Status200OK, ToResponse(license, await licenses.ActivationsAsync(license, ct), clock.GetUtcNow()));

    /// <summary>
    /// <c>key</c> or <c>domain</c> (a search: one page, no other filter); both null for a listing. A bad one is VALIDATION_FAILED.
    /// </summary>
    private static (string? Key, string? Domain) SearchTerms(IQueryCollection query)
    {
        var errors = new FieldErrors();
        var key = QueryParameters.Single(query, "key", errors);
        var domainText = QueryParameters.Single(query, "domain", errors);
        if (key is not null && (key.Length is 0 or > 4096)) errors.Add("key", "must be 1-4096 characters");
        var domain = LicenseSearch.NormalizeDomain(domainText);
        if (domainText is not null && domain is null) errors.Add("domain", "must be a host name such as example.com");
        if (key is not null && domainText is not null) errors.Add("domain", "search by key or by domain, not both");
        if ((key ?? domainText) is not null)
            foreach (var other in new[] { "productId", "customerEmail", "status", "plan", "limit", "continuationToken" })
                if (query.ContainsKey(other)) errors.Add(other, "cannot be combined with key or domain");
        errors.ThrowIfAny();
        return (key, domain);
    }

    /// <summary>The filters of <c>GET /v1/licenses</c>, each given at most once; every bad one is reported at once.</summary>
    private static LicenseQuery ParseQuery(IQueryCollection query)
    {
        var errors = new FieldErrors();
        string? Single(string name) => QueryParameters.Single(query, name, errors);
        var productId = Single("productId");
        if (productId is not null && !Naming.IsSlug(productId)) errors.Add("productId", "must be 1-64 characters of a-z, 0-9 and '-'");
        var email = Single("customerEmail");
        if (email is not null && EmailAddress.Normalize(email) is null) errors.Add("customerEmail", "must be a valid e-mail address");
        var plan = Single("plan");
        if (plan is not null && !Naming.IsSlug(plan)) errors.Add("plan", "must be 1-64 characters of a-z, 0-9 and '-'");
        var statusText = Single("status");
        var status = LicenseStatusNames.Parse(statusText);
        if (statusText is not null && status is null) errors.Add("status", "must be one of active, suspended, revoked, expired");
        var limit = QueryParameters.Limit(query, DefaultPageSize, MaxPageSize, errors);
        var token = Single("continuationToken");
        errors.ThrowIfAny();
        return new LicenseQuery(productId, email is null ? null : EmailAddress.Normalize(email), status, token, limit, plan);
    }

    /// <summary>The license as the API shows it (a dictionary so endpoints can add sections such as usage).</summary>
    public static IReadOnlyDictionary<string, object?> ToResponse(License l, IReadOnlyList<Activation> activations,
        DateTimeOffset now) => new Dictionary<string, object?>
        {
            ["licenseId"] = l.Id,
            ["licenseKey"] = l.CustomerKey,
            ["productId"] = l.ProductId,
            ["plan"] = l.Plan,
            ["model"] = l.Model.ToWire(),
            ["status"] = l.EffectiveStatus(now).ToWire(),
            ["trial"] = l.Trial,
            ["statusReason"] = l.StatusReason,
            ["billingState"] = Licensing.Domain.Billing.BillingStates.ToStored(l.BillingState),
            ["test"] = l.Test,
            ["updatesUntil"] = l.UpdatesUntil,
            ["stackedCodes"] = l.RedeemedCodes.Count,
            ["customerEmail"] = l.CustomerEmail,
            ["features"] = l.Features,
            ["domains"] = activations.Where(a => a.Domain is not null).Select(a => a.Domain),
            ["maxActivations"] = l.MaxActivations,
            ["activationsUsed"] = l.Activations.Count,
            ["activations"] = activations.Select(a =>
                new { id = a.Id, domain = a.Domain, fingerprint = a.Fingerprint, name = a.Name, createdAt = a.CreatedAt }),
            ["developmentHosts"] = ActivationRules.RecentDevelopmentHosts(l, now).Select(d => new { domain = d.Host, since = d.Since }),
            ["expiresAt"] = l.ExpiresAt,
            ["createdAt"] = l.CreatedAt,
            ["updatedAt"] = l.UpdatedAt,
            ["metadata"] = l.Metadata,
        };
}
