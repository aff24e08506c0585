using System.Text.Json.Nodes;
using Licensing.Domain.Accounts;
using Licensing.Domain.Products;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Products;

public sealed class ProductFunctions(ProductService products, RequestAuth auth, Audit.AccountAudit audit)
{
    public sealed record PutProductRequest(string? Name, List<PlanBody?>? Plans, DevelopmentHostsBody? DevelopmentHosts,
        Dictionary<string, DateTimeOffset>? Releases, int? RenewalReminderDays, string? KeyFormat = null);

    public sealed record DevelopmentHostsBody(bool? Allowed, List<string?>? Patterns);

    public sealed record PlanBody(string? Id, string? Name, string? Model, int? DurationDays, int? MaxActivations, List<string?>? Features,
        bool? AutoActivate, int? RevalidateAfterHours, int? OfflineGraceHours, int? MaxDeactivationsPer30Days, bool? AutoSuspendOnSharing,
        List<string?>? StripePriceIds, int? MaxStackedCodes, int? UpdatesDays, long? UsageLimit, string? UsagePeriod, int? MaxDevelopmentHosts,
        List<string?>? LemonSqueezyVariantIds = null, List<string?>? PaddlePriceIds = null, List<string?>? GumroadProductIds = null,
        List<int>? AppsumoTiers = null, int? TrialDays = null);

    [Function(nameof(PutProduct))]
    public async Task<IActionResult> PutProduct(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/products/{productId}")] HttpRequest req, string productId, CancellationToken ct)
    {
        var caller = await auth.RequireAccountAsync(req, Scopes.ProductsWrite, ct);
        var body = await RequestBody.ReadJsonAsync<PutProductRequest>(req, ct);
        var input = new ProductInput(body.Name,
            body.Plans?.Select(p => p is null ? null : new PlanInput(p.Id, p.Name, p.Model, p.DurationDays, p.MaxActivations, p.Features,
                p.AutoActivate, p.RevalidateAfterHours, p.OfflineGraceHours, p.MaxDeactivationsPer30Days, p.AutoSuspendOnSharing, p.StripePriceIds,
                p.MaxStackedCodes, p.UpdatesDays, p.UsageLimit, p.UsagePeriod, p.MaxDevelopmentHosts, p.LemonSqueezyVariantIds, p.PaddlePriceIds,
                p.GumroadProductIds, p.TrialDays)
            { AppsumoTiers = p.AppsumoTiers }).ToList(),
            body.DevelopmentHosts is null ? null : new DevelopmentHostsInput(body.DevelopmentHosts.Allowed, body.DevelopmentHosts.Patterns),
            body.Releases, body.RenewalReminderDays, body.KeyFormat);
        var (product, created) = await products.PutAsync(caller.AccountId, productId, input, ct);
        await audit.RecordAsync(caller, created ? "product.created" : "product.updated", new("product", product.Id), new Dictionary<string, JsonNode?>
        {
            ["name"] = product.Name,
            ["plans"] = new JsonArray([.. product.Plans.Select(p => JsonValue.Create(p.Id))]),
        }, ct);
        return new ApiJsonResult(created ? StatusCodes.Status201Created : StatusCodes.Status200OK, ToResponse(product));
    }

    [Function(nameof(GetProduct))]
    public async Task<IActionResult> GetProduct(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/products/{productId}")] HttpRequest req, string productId, CancellationToken ct)
    {
        var accountId = (await auth.RequireAccountAsync(req, Scopes.ProductsRead, ct)).AccountId;
        return new ApiJsonResult(StatusCodes.Status200OK, ToResponse(await products.GetAsync(accountId, productId, ct)));
    }

    [Function(nameof(ListProducts))]
    public async Task<IActionResult> ListProducts(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/products")] HttpRequest req, CancellationToken ct)
    {
        var accountId = (await auth.RequireAccountAsync(req, Scopes.ProductsRead, ct)).AccountId;
        var items = await products.ListAsync(accountId, ct);
        return new ApiJsonResult(StatusCodes.Status200OK, new { items = items.OrderBy(p => p.Id, StringComparer.Ordinal).Select(ToResponse) });
    }

    public static object ToResponse(Product p) => new
    {
        productId = p.Id,
        name = p.Name,
        plans = p.Plans.Select(plan => new
        {
            id = plan.Id,
            name = plan.Name,
            model = plan.Model.ToWire(),
            durationDays = plan.DurationDays,
            maxActivations = plan.MaxActivations,
            features = plan.Features,
            autoActivate = plan.Policy.AutoActivate,
            revalidateAfterHours = plan.Policy.RevalidateAfterHours,
            offlineGraceHours = plan.Policy.OfflineGraceHours,
            maxDeactivationsPer30Days = plan.Policy.MaxDeactivationsPer30Days,
            autoSuspendOnSharing = plan.Policy.AutoSuspendOnSharing,
            stripePriceIds = plan.StripePriceIds,
            lemonSqueezyVariantIds = plan.LemonSqueezyVariantIds,
            paddlePriceIds = plan.PaddlePriceIds,
            gumroadProductIds = plan.GumroadProductIds,
            appsumoTiers = plan.AppsumoTiers,
            maxStackedCodes = plan.Policy.MaxStackedCodes,
            updatesDays = plan.Policy.UpdatesDays,
            usageLimit = plan.Policy.UsageLimit,
            usagePeriod = plan.Policy.UsagePeriod,
            maxDevelopmentHosts = plan.Policy.MaxDevelopmentHosts,
            trialDays = plan.Policy.TrialDays,
        }),
        releases = p.Releases,
        renewalReminderDays = p.RenewalReminderDays,
        keyFormat = p.KeyFormat.ToWire(),
        developmentHosts = new { allowed = p.DevelopmentHosts.Allowed, patterns = p.DevelopmentHosts.Patterns },
        createdAt = p.CreatedAt,
        updatedAt = p.UpdatedAt,
    };
}
