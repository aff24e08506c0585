using Azure.Data.Tables;
using Licensing.Domain.Releases;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Releases;

/// <summary>
/// Releases in the <c>releases</c> table: PartitionKey = account id, RowKey = <c>{productId}|{releaseId}</c>, so a product's
/// releases are one contiguous RowKey range (product ids are <c>[a-z0-9-]</c>, and <c>}</c> sorts right after <c>|</c>).
/// </summary>
public sealed class ReleaseTableStore(TableStorage tables) : IReleaseStore
{
    private TableClient Table => tables.Table(TableStorage.ReleasesTable);

    public async Task<Release?> GetAsync(string accountId, string productId, string releaseId, CancellationToken ct) =>
        await Table.GetIfExistsAsync(accountId, RowKey(productId, releaseId), ct) is { } e ? FromEntity(e) : null;

    public Task<IReadOnlyList<Release>> ListAsync(string accountId, string productId, CancellationToken ct)
    {
        var (from, to) = (productId + "|", productId + "}");
        return Table.QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {accountId} and RowKey ge {from} and RowKey lt {to}"), FromEntity, ct);
    }

    public async Task<bool> AddAsync(Release release, CancellationToken ct) => await Table.AddIfAbsentAsync(ToEntity(release), ct) is not null;

    public Task UpsertAsync(Release release, CancellationToken ct) => Table.UpsertAsync(ToEntity(release), ct);

    private static string RowKey(string productId, string releaseId) => productId + "|" + releaseId;

    public static TableEntity ToEntity(Release r) => new(r.AccountId, RowKey(r.ProductId, r.Id))
    {
        ["ProductId"] = r.ProductId,
        ["ReleaseId"] = r.Id,
        ["Version"] = r.Version.Text,
        ["Channel"] = r.Channel.ToWire(),
        // At most 20,000 characters: one string property holds it (32 Ki UTF-16 units).
        ["Changelog"] = r.Changelog,
        ["RequiresWp"] = r.RequiresWp,
        ["TestedWp"] = r.TestedWp,
        ["RequiresPhp"] = r.RequiresPhp,
        ["ReleasedAt"] = r.ReleasedAt,
        ["CreatedAt"] = r.CreatedAt,
        ["PackageUploaded"] = r.PackageUploaded,
        ["PackageSize"] = r.PackageSize,
        ["PackageSha256"] = r.PackageSha256,
    };

    public static Release FromEntity(TableEntity e) => new()
    {
        AccountId = e.PartitionKey,
        ProductId = e.GetString("ProductId"),
        Id = e.GetString("ReleaseId"),
        Version = SemanticVersion.TryParse(e.GetString("Version")) ?? throw new InvalidDataException($"release {e.RowKey} has no readable version"),
        Channel = ReleaseChannels.Parse(e.GetString("Channel")) ?? ReleaseChannel.Stable,
        Changelog = e.GetString("Changelog") ?? "",
        RequiresWp = e.GetString("RequiresWp"),
        TestedWp = e.GetString("TestedWp"),
        RequiresPhp = e.GetString("RequiresPhp"),
        ReleasedAt = e.GetDateTimeOffset("ReleasedAt") ?? DateTimeOffset.MinValue,
        CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
        PackageUploaded = e.GetBoolean("PackageUploaded") ?? false,
        PackageSize = e.GetInt64("PackageSize"),
        PackageSha256 = e.GetString("PackageSha256"),
    };
}
