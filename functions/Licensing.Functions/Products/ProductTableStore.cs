using Azure.Data.Tables;
using Licensing.Domain.Common;
using Licensing.Domain.Products;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Products;

/// <summary>Products in the <c>products</c> table: PartitionKey = account id, RowKey = product id; plans as JSON.</summary>
public sealed class ProductTableStore(TableStorage tables) : IProductStore
{
    public async Task<Product?> GetAsync(string accountId, string productId, CancellationToken ct) =>
        await tables.Products.GetIfExistsAsync(accountId, productId, ct) is { } e ? FromEntity(e) : null;

    public async Task<bool> UpsertAsync(Product product, CancellationToken ct)
    {
        var entity = ToEntity(product);
        if (await tables.Products.AddIfAbsentAsync(entity, ct) is not null) return true;
        await tables.Products.UpsertAsync(entity, ct);
        return false;
    }

    public Task<IReadOnlyList<Product>> ListAsync(string accountId, CancellationToken ct) =>
        tables.Products.QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {accountId}"), FromEntity, ct);

    /// <summary>The entity (plans and releases as JSON in chunks, within their budgets in <see cref="ProductRules"/>).</summary>
    public static TableEntity ToEntity(Product p)
    {
        var entity = new TableEntity(p.AccountId, p.Id)
        {
            ["Name"] = p.Name,
            ["DevelopmentHostsAllowed"] = p.DevelopmentHosts.Allowed,
            // At most 50 normalised (ASCII) patterns: one property holds them.
            ["DevelopmentHostPatterns"] = StorageJson.Serialize(p.DevelopmentHosts.Patterns),
            ["RenewalReminderDays"] = p.RenewalReminderDays,
            ["KeyFormat"] = p.KeyFormat == KeyFormat.Signed ? null : p.KeyFormat.ToWire(),
            ["CreatedAt"] = p.CreatedAt,
            ["UpdatedAt"] = p.UpdatedAt,
        };
        ChunkedText.Write(entity, "Plans", "plans", StorageJson.Serialize(p.Plans.Select(PlanRecord.From)), ProductRules.MaxPlansStoredChunks);
        ChunkedText.Write(entity, "Releases", "releases", StorageJson.Serialize(p.Releases), ProductRules.MaxReleasesStoredChunks);
        return entity;
    }

    public static Product FromEntity(TableEntity e) => new(
        e.PartitionKey,
        e.RowKey,
        e.GetString("Name"),
        (StorageJson.Deserialize<PlanRecord[]>(ChunkedText.Read(e, "Plans") ?? "[]") ?? []).Select(r => r.ToPlan()).ToArray(),
        e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
        e.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.MinValue,
        new DevelopmentHostPolicy(e.GetBoolean("DevelopmentHostsAllowed") ?? true,
            StorageJson.Deserialize<string[]>(e.GetString("DevelopmentHostPatterns") ?? "[]") ?? []))
    {
        Releases = StorageJson.Deserialize<Dictionary<string, DateTimeOffset>>(ChunkedText.Read(e, "Releases") ?? "{}") ?? [],
        RenewalReminderDays = e.GetInt32("RenewalReminderDays"),
        KeyFormat = Naming.ParseKeyFormat(e.GetString("KeyFormat")) ?? KeyFormat.Signed,
    };

    /// <summary>The stored shape of a plan (model as its wire name, so stored data reads the same as the API).</summary>
    private sealed record PlanRecord(string Id, string Name, string Model, int? DurationDays, int? MaxActivations, string[] Features, PlanPolicy? Policy,
        string[]? StripePriceIds, string[]? LemonSqueezyVariantIds = null, string[]? PaddlePriceIds = null, string[]? GumroadProductIds = null)
    {
        public int[]? AppsumoTiers { get; init; }

        public static PlanRecord From(Plan p) =>
            new(p.Id, p.Name, p.Model.ToWire(), p.DurationDays, p.MaxActivations, [.. p.Features], p.Policy, [.. p.StripePriceIds],
                [.. p.LemonSqueezyVariantIds], [.. p.PaddlePriceIds], [.. p.GumroadProductIds])
            {
                AppsumoTiers = p.AppsumoTiers.Count == 0 ? null : [.. p.AppsumoTiers],
            };

        public Plan ToPlan() => new(Id, Name, Naming.ParseModel(Model) ?? LicenseModel.Subscription, DurationDays, MaxActivations, Features,
            Policy ?? PlanPolicy.Default)
        {
            StripePriceIds = StripePriceIds ?? [],
            LemonSqueezyVariantIds = LemonSqueezyVariantIds ?? [],
            PaddlePriceIds = PaddlePriceIds ?? [],
            GumroadProductIds = GumroadProductIds ?? [],
            AppsumoTiers = AppsumoTiers ?? [],
        };
    }
}
