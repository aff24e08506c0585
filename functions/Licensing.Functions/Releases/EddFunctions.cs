using System.Text;
using Licensing.Domain.Common;
using Licensing.Domain.Releases;
using Licensing.Functions.Hosting;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Licensing.Functions.Releases;

/// <summary>
/// Public: Easy Digital Downloads Software Licensing's API, so a plugin using EDD's updater moves here by changing its
/// store URL to <c>…/v1/compat/edd/{accountId}</c> (docs/releases.md). Form posts and query strings are both read (a
/// field in the body wins); EDD's own JSON is the answer, 200 whatever the verdict.
/// </summary>
public sealed class EddFunctions(EddCompat edd, AbuseGuard guard, PublicPathBudget budget, IOptions<LicensingOptions> options)
{
    [Function(nameof(EddCompatibility))]
    public async Task<IActionResult> EddCompatibility(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "v1/compat/edd/{accountId}")] HttpRequest req, string accountId,
        CancellationToken ct)
    {
        var address = ClientAddress.Of(req);
        guard.CheckAddress(address);
        var fields = new Dictionary<string, StringValues>(req.Query.ToDictionary(q => q.Key, q => q.Value), StringComparer.Ordinal);
        if (HttpMethods.IsPost(req.Method))
        {
            var raw = await RequestBody.ReadRawAsync(req, ct);
            foreach (var (name, value) in QueryHelpers.ParseQuery(Encoding.UTF8.GetString(raw))) fields[name] = value;
        }
        string? Field(string name) => fields.TryGetValue(name, out var v) && v.Count > 0 ? v[^1] : null;
        var request = new EddRequest(accountId, Field("edd_action"), Field("license"), Field("item_id"), Field("item_name"), Field("url"),
            Field("beta") is { } beta && beta.Trim() is not ("" or "0" or "false"), Field("slug"));
        if (!Ids.IsAccountId(accountId)) return new ApiJsonResult(StatusCodes.Status200OK, UnknownStore(request));
        string Link(string token) => UpdateFunctions.DownloadUrl(req, options.Value.PublicBaseUrl, token)!;
        var answer = await budget.RunAsync(t => edd.HandleAsync(request, address, Link, t), ct);
        return new ApiJsonResult(StatusCodes.Status200OK, answer);
    }

    /// <summary>A store URL naming no account: every license is unknown there.</summary>
    private static Dictionary<string, object?> UnknownStore(EddRequest r) => r.Action == "get_version"
        ? EddProtocol.VersionInfo("", r.Slug ?? "", null, null, null, "this store URL names no account")
        : new Dictionary<string, object?> { ["success"] = false, ["license"] = "invalid", ["error"] = "missing" };
}
