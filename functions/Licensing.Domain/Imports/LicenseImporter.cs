using System.Security.Cryptography;
using System.Text;
using Licensing.Domain.Common;
using Licensing.Domain.KeyAliases;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;
using Licensing.Domain.Quotas;
using Licensing.Domain.Signing;

namespace Licensing.Domain.Imports;

/// <summary>One license of an import as parsed from JSON, before validation.</summary>
public sealed record ImportItemInput(
    string? Key, string? CustomerEmail, string? Plan, string? Status, DateTimeOffset? ExpiresAt, IReadOnlyList<string?>? Domains, int? MaxActivations,
    IReadOnlyDictionary<string, string?>? Metadata);

/// <summary>An item that was not imported: its index in the request, a stable code, and words for a person (naming the field).</summary>
public sealed record ImportItemError(int Index, string Code, string Detail);

public sealed record ImportResult(int Imported, int Skipped, IReadOnlyList<ImportItemError> Errors);

/// <summary>
/// Imports keys a founder already sold (docs/migrating.md). Each key becomes an alias key of its own license, so it is
/// stored only as its hash and validates like a native key. Idempotent by key: the license id is derived from the
/// account and the key's hash, so an item imported twice (a batch sent again, or twice at once) issues one license.
/// </summary>
public sealed class LicenseImporter(LicenseService service, KeyAliasService aliases, IProductStore products, TimeProvider clock)
{
    public const int MaxItems = 1000;

    /// <summary>How many items of a batch are imported at once.</summary>
    public const int Parallelism = 4;

    public const string ShortShapeRule = "has the shape of a short key, which is reserved for keys this service issues";

    public async Task<ImportResult> ImportAsync(string accountId, Audit.Actor actor, string? productId, IReadOnlyList<ImportItemInput?>? items,
        CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (!Naming.IsSlug(productId)) errors.Add("productId", "is required: 1-64 characters of a-z, 0-9 and '-'");
        if (items is null || items.Count is 0 or > MaxItems) errors.Add("licenses", $"is required: 1-{MaxItems} items");
        errors.ThrowIfAny();
        if (await products.GetAsync(accountId, productId!, ct).ConfigureAwait(false) is null)
            throw ValidationFailedException.For("productId", $"unknown product '{productId}'");
        var outcomes = new Outcome[items!.Count];
        var refused = new ImportItemError?[items.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, items.Count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct },
            async (i, token) =>
            {
                try
                {
                    outcomes[i] = await ImportOneAsync(accountId, actor, productId!, items[i], token).ConfigureAwait(false);
                }
                catch (LicensingException e) when (ItemError(i, e) is { } error)
                {
                    refused[i] = error;
                }
            }).ConfigureAwait(false);
        return new ImportResult(outcomes.Count(o => o == Outcome.Imported), outcomes.Count(o => o == Outcome.Skipped), [.. refused.OfType<ImportItemError>()]);
    }

    /// <summary>The license id an account's import of a key gets: the same however often the key is imported.</summary>
    public static string LicenseIdFor(string accountId, string keyHash) =>
        Ids.FromBytes(Ids.LicensePrefix, SHA256.HashData(Encoding.UTF8.GetBytes($"import\n{accountId}\n{keyHash}")).AsSpan(0, Ids.LicenseIdBytes));

    private async Task<Outcome> ImportOneAsync(string accountId, Audit.Actor actor, string productId, ImportItemInput? item, CancellationToken ct)
    {
        var (key, status) = Check(item);
        var hash = KeyAlias.Hash(key);
        if (await aliases.HolderAsync(hash, ct).ConfigureAwait(false) is { } holder)
            return holder.AccountId == accountId ? Outcome.Skipped : throw new KeyUnavailableException("this key belongs to another license");

        var now = clock.GetUtcNow();
        var expiresAt = item!.ExpiresAt;
        var input = new IssueLicenseInput(productId, item.CustomerEmail, item.Domains, item.Plan, null, expiresAt > now ? expiresAt : null,
            item.MaxActivations, item.Metadata);
        var licenseId = LicenseIdFor(accountId, hash);
        var created = false;
        // The license is created with its status, its expiry (a past one too) and the key listed, in one write and one event.
        License Shaped(License l) => status == LicenseStatus.Active && expiresAt > now ? l : l with { Status = status, ExpiresAt = expiresAt ?? l.ExpiresAt };
        try
        {
            var license = await aliases.IssueWithKeyAsync(accountId, licenseId, key, actor, async (listed, token) =>
            {
                var issued = await service.IssueAsync(accountId, actor, input, licenseId, (l, t) => listed(Shaped(l), t), token).ConfigureAwait(false);
                // A license read back (it has a version) was issued by an earlier or concurrent import of the same key.
                created = issued.Version is null;
                return issued;
            }, ct).ConfigureAwait(false);
            if (!created && Shaped(license) != license)
            {
                // An earlier import of this key stopped between its writes: its status and expiry are set now.
                await service.ApplyAsync(accountId, licenseId, actor, (l, _) => Shaped(l), ct).ConfigureAwait(false);
            }
        }
        catch (KeyUnavailableException)
        {
            // Another account imported the same key at the same moment and holds it: a license made for it here answers to
            // no key and is revoked (none was made when the key was found taken before the license's write).
            try
            {
                await service.RevokeAsync(accountId, licenseId, actor, ct).ConfigureAwait(false);
            }
            catch (NotFoundException)
            {
            }
            throw;
        }
        return created ? Outcome.Imported : Outcome.Skipped;
    }

    private static (string Key, LicenseStatus Status) Check(ImportItemInput? item)
    {
        if (item is null) throw ValidationFailedException.For("body", "each item must be an object");
        var errors = new FieldErrors();
        if (!KeyAlias.IsWellFormed(item.Key)) errors.Add("key", KeyAliasService.Rule);
        else if (ShortKey.HasShape(item.Key)) errors.Add("key", ShortShapeRule);
        var status = item.Status is null ? LicenseStatus.Active : LicenseStatusNames.Parse(item.Status);
        if (status is null) errors.Add("status", "must be active, suspended, revoked or expired");
        errors.ThrowIfAny();
        return (item.Key!, status!.Value);
    }

    private static ImportItemError? ItemError(int index, LicensingException e) => e switch
    {
        ValidationFailedException v => new(index, "VALIDATION_FAILED", string.Join("; ", v.Errors.Select(f => $"{f.Key}: {string.Join(", ", f.Value)}"))),
        KeyUnavailableException k => new(index, "KEY_UNAVAILABLE", k.Message),
        QuotaExceededException q => new(index, "QUOTA_EXCEEDED", q.Message),
        ConflictException c => new(index, "CONFLICT", c.Message),
        _ => null,
    };

    private enum Outcome { Failed, Imported, Skipped }
}
