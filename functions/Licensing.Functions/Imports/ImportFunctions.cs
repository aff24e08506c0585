using Licensing.Domain.Accounts;
using Licensing.Domain.Imports;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Imports;

/// <summary><c>POST /v1/licenses/import</c>: keys a founder already sold, kept as given and stored only as hashes (docs/migrating.md).</summary>
public sealed class ImportFunctions(LicenseImporter importer, RequestAuth auth)
{
    /// <summary>An import body may be larger than other JSON bodies: up to 1,000 licenses.</summary>
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    public sealed record ImportRequest(string? ProductId, List<ImportLicense?>? Licenses);

    public sealed record ImportLicense(
        string? Key, string? CustomerEmail, string? Plan, string? Status, DateTimeOffset? ExpiresAt, List<string?>? Domains, int? MaxActivations,
        Dictionary<string, string?>? Metadata);

    [Function(nameof(ImportLicenses))]
    public async Task<IActionResult> ImportLicenses(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/licenses/import")] HttpRequest req, CancellationToken ct)
    {
        var caller = await auth.RequireAccountAsync(req, Scopes.LicensesWrite, ct);
        var body = await RequestBody.ReadJsonAsync<ImportRequest>(req, MaxBodyBytes, ct);
        var items = body.Licenses?.Select(l => l is null ? null
            : new ImportItemInput(l.Key, l.CustomerEmail, l.Plan, l.Status, l.ExpiresAt, l.Domains, l.MaxActivations, l.Metadata)).ToArray();
        var result = await importer.ImportAsync(caller.AccountId, caller.Actor, body.ProductId, items, ct);
        return new ApiJsonResult(StatusCodes.Status200OK, new
        {
            imported = result.Imported,
            skipped = result.Skipped,
            errors = result.Errors.Select(e => new { index = e.Index, code = e.Code, detail = e.Detail }),
        });
    }
}
