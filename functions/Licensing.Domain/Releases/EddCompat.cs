using System.Net;
using Licensing.Domain.Activations;
using Licensing.Domain.Common;
using Licensing.Domain.Domains;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;
using Licensing.Domain.Validation;

namespace Licensing.Domain.Releases;

/// <summary>
/// One request of EDD Software Licensing's API as its plugins and its updater send it (form fields or query string).
/// <paramref name="ItemId"/> and <paramref name="ItemName"/> are as sent (PHP sends <c>0</c> for "not set").
/// </summary>
public sealed record EddRequest(string AccountId, string? Action, string? License, string? ItemId, string? ItemName, string? Url, bool Beta, string? Slug);

/// <summary>
/// <c>POST /v1/compat/edd/{accountId}</c>: EDD's <c>activate_license</c>, <c>deactivate_license</c>, <c>check_license</c> and
/// <c>get_version</c> served by this service's own operations (activate, deactivate, validate, the update check), answered
/// in EDD's shapes (<see cref="EddProtocol"/>). An item is a product of the account: <c>item_id</c> or <c>item_name</c> equal to
/// its product id, or <c>item_name</c> equal to its name (case aside).
/// </summary>
public sealed class EddCompat(ValidateLicense validation, ActivateLicense activation, DeactivateLicense deactivation, CheckForUpdate updates,
    KeyedLicenseReader reader, ProductCache productCache, IProductStore products, ReleaseCache releases, TimeProvider clock)
{
    /// <summary>Each account's products, for items named by product name: held like <see cref="ProductCache"/>'s, not listed per request.</summary>
    private readonly TtlCache<string, IReadOnlyList<Product>> _productLists = new(clock, ProductCache.Ttl);

    public async Task<Dictionary<string, object?>> HandleAsync(EddRequest r, string? clientAddress, Func<string, string> downloadUrl, CancellationToken ct)
    {
        var itemId = Given(r.ItemId);
        var itemName = Given(r.ItemName);
        var product = itemId is null && itemName is null ? null : await ResolveAsync(r.AccountId, itemId, itemName, ct).ConfigureAwait(false);
        var key = r.License?.Trim() ?? "";
        var domain = DomainName.Normalize(r.Url);
        if ((itemId is not null || itemName is not null) && product is null)
            return r.Action == "get_version"
                ? EddProtocol.VersionInfo(itemName ?? "", r.Slug ?? "", null, null, null, "no product of this store matches the item")
                : Failure(itemId is not null ? "invalid_item_id" : "item_name_mismatch", null, itemId, itemName ?? "");
        switch (r.Action)
        {
            case "check_license":
                {
                    if (domain is null) return Failure("missing_url", null, itemId, product?.Name ?? itemName ?? "");
                    var verdict = await validation.ValidateAsync(new ValidationRequest(key, domain, null, [], product?.Id), clientAddress, ct)
                        .ConfigureAwait(false);
                    var license = Own(verdict.License, r.AccountId);
                    var fields = EddProtocol.LicenseFields(license, itemId, product?.Name ?? itemName ?? "");
                    fields["success"] = license is not null && verdict.Valid;
                    fields["license"] = license is null ? "invalid" : EddProtocol.LicenseState(verdict.Code, itemId is not null);
                    return fields;
                }
            case "activate_license":
                return await ActivateAsync(r, key, product, itemId, itemName, clientAddress, ct).ConfigureAwait(false);
            case "deactivate_license":
                {
                    if (domain is null) return Failure("missing_url", null, itemId, product?.Name ?? itemName ?? "");
                    if (Own(await reader.ReadAsync(key, clientAddress, ct).ConfigureAwait(false), r.AccountId) is not { } held)
                        return Failure("missing", null, itemId, product?.Name ?? itemName ?? "", state: "failed");
                    var result = await deactivation.DeactivateAsync(held, new ActivationTarget(domain, null), ct).ConfigureAwait(false);
                    var fields = EddProtocol.LicenseFields(result.License ?? held, itemId, product?.Name ?? itemName ?? "");
                    fields["success"] = result.Deactivated;
                    fields["license"] = result.Deactivated ? "deactivated" : "failed";
                    return fields;
                }
            case "get_version":
                return await VersionAsync(r, key, domain, product, clientAddress, downloadUrl, ct).ConfigureAwait(false);
            default:
                return new Dictionary<string, object?>
                {
                    ["success"] = false,
                    ["error"] = "invalid_action",
                    ["msg"] = "edd_action must be activate_license, deactivate_license, check_license or get_version",
                };
        }
    }

    private async Task<Dictionary<string, object?>> ActivateAsync(EddRequest r, string key, Product? product, string? itemId, string? itemName,
        string? clientAddress, CancellationToken ct)
    {
        var name = product?.Name ?? itemName ?? "";
        ActivationTarget? target = HostBindings.NormalizeBinding(r.Url) is { } binding ? new ActivationTarget(binding, null) : null;
        if (target is not { } bound) return Failure("missing_url", null, itemId, name);
        var held = Own(await reader.ReadAsync(key, clientAddress, ct).ConfigureAwait(false), r.AccountId);
        if (held is null) return Failure("missing", null, itemId, name);
        if (product is not null && held.ProductId != product.Id)
            return Failure(itemId is not null ? "invalid_item_id" : "item_name_mismatch", held, itemId, name);
        var result = await activation.ActivateAsync(held, bound, null, ct).ConfigureAwait(false);
        if (!result.Activated)
            return Failure(result.Code switch
            {
                "ACTIVATION_LIMIT_REACHED" => "no_activations_left",
                "EXPIRED" => "expired",
                "REVOKED" or "SUSPENDED" => "disabled",
                _ => "missing",
            }, result.License ?? held, itemId, name);
        var fields = EddProtocol.LicenseFields(result.License, itemId, name);
        fields["success"] = true;
        fields["license"] = "valid";
        return fields;
    }

    private async Task<Dictionary<string, object?>> VersionAsync(EddRequest r, string key, string? domain, Product? product, string? clientAddress,
        Func<string, string> downloadUrl, CancellationToken ct)
    {
        var channel = r.Beta ? ReleaseChannel.Beta : ReleaseChannel.Stable;
        UpdateOffer? offer = null;
        if (key.Length > 0 && domain is not null)
        {
            offer = await updates.CheckAsync(new ValidationRequest(key, domain, null, [], product?.Id), null, channel, clientAddress, ct).ConfigureAwait(false);
            if (Own(offer.Verdict.License, r.AccountId) is { } license && product is null)
                product = await productCache.GetAsync(license.AccountId, license.ProductId, ct).ConfigureAwait(false);
            else if (offer.Verdict.License is not null && Own(offer.Verdict.License, r.AccountId) is null) offer = null;
        }
        if (product is null)
            return EddProtocol.VersionInfo("", r.Slug ?? "", null, null, null, key.Length == 0 ? "a license key is required" : ValidationRules.NotFound.Detail);
        var all = await releases.ListAsync(r.AccountId, product.Id, ct).ConfigureAwait(false);
        var offered = offer?.Release ?? ReleaseRules.Newest(all, channel);
        var package = offer?.DownloadToken is { } token ? downloadUrl(token) : null;
        var message = package is not null ? null
            : domain is null ? "the site's url is required"
            : offer?.Verdict.Detail ?? (key.Length == 0 ? "a license key is required" : ValidationRules.NotFound.Detail);
        return EddProtocol.VersionInfo(product.Name, r.Slug ?? product.Id, offered, ReleaseRules.Newest(all, ReleaseChannel.Stable), package, message);
    }

    /// <summary>The product an item names, or null.</summary>
    private async Task<Product?> ResolveAsync(string accountId, string? itemId, string? itemName, CancellationToken ct)
    {
        foreach (var candidate in new[] { itemId, itemName })
            if (Naming.IsSlug(candidate) && await productCache.GetAsync(accountId, candidate!, ct).ConfigureAwait(false) is { } byId) return byId;
        if (itemName is null) return null;
        // Some plugins urlencode() the name before posting it: the name is matched as sent and decoded once more.
        var names = new[] { itemName, WebUtility.UrlDecode(itemName).Trim() };
        if (_productLists.TryGet(accountId, out var held) && Named(held, names) is { } found) return found;
        // Not among the products held: listed afresh, so a product created or renamed a moment ago is found at once.
        var fresh = await products.ListAsync(accountId, ct).ConfigureAwait(false);
        _productLists.Set(accountId, fresh);
        return Named(fresh, names);
    }

    private static Product? Named(IReadOnlyList<Product> all, string[] names) =>
        all.FirstOrDefault(p => names.Contains(p.Name.Trim(), StringComparer.OrdinalIgnoreCase));

    /// <summary>The license when it belongs to this store's account (a key of another account is unknown here).</summary>
    private static License? Own(License? license, string accountId) => license?.AccountId == accountId ? license : null;

    /// <summary>A field as sent, or null for "not sent": empty, or PHP's <c>false</c> (<c>0</c>).</summary>
    private static string? Given(string? value) => value?.Trim() is { Length: > 0 } v && v != "0" ? v : null;

    private static Dictionary<string, object?> Failure(string error, License? license, string? itemId, string itemName, string state = "invalid")
    {
        var fields = EddProtocol.LicenseFields(license, itemId, itemName);
        fields["success"] = false;
        fields["license"] = state;
        fields["error"] = error;
        return fields;
    }
}
