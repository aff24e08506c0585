using System.Globalization;
using Licensing.Domain.Licenses;
using Licensing.Domain.Validation;

namespace Licensing.Domain.Releases;

/// <summary>
/// Easy Digital Downloads Software Licensing's answers, built from this service's verdicts (docs/releases.md, "EDD").
/// Verdicts map to EDD's <c>license</c> states: VALID → valid, EXPIRED → expired, REVOKED and SUSPENDED → disabled,
/// DOMAIN_MISMATCH → site_inactive, PRODUCT_MISMATCH → item_name_mismatch (or invalid_item_id when the item was named by
/// id), anything else (NOT_FOUND included) → invalid.
/// </summary>
public static class EddProtocol
{
    private static readonly string NoBanners = PhpSerialized.Serialize(new Dictionary<string, object?> { ["high"] = "", ["low"] = "" });
    private static readonly string NoIcons = PhpSerialized.Serialize(new Dictionary<string, object?>());

    public static string LicenseState(ValidationCode code, bool byItemId) => code switch
    {
        ValidationCode.Valid => "valid",
        ValidationCode.Expired => "expired",
        ValidationCode.Revoked or ValidationCode.Suspended => "disabled",
        ValidationCode.DomainMismatch => "site_inactive",
        ValidationCode.ProductMismatch => byItemId ? "invalid_item_id" : "item_name_mismatch",
        _ => "invalid",
    };

    /// <summary>The license fields EDD's check and activate answers carry.</summary>
    public static Dictionary<string, object?> LicenseFields(License? license, string? itemId, string itemName)
    {
        var fields = new Dictionary<string, object?>
        {
            ["item_id"] = itemId is null ? false : itemId,
            ["item_name"] = itemName,
            ["checksum"] = "",
        };
        if (license is null) return fields;
        var used = license.Activations.Count;
        fields["expires"] = license.ExpiresAt is { } e ? e.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "lifetime";
        fields["license_limit"] = license.MaxActivations ?? 0;
        fields["site_count"] = used;
        fields["activations_left"] = license.MaxActivations is { } max ? Math.Max(0, max - used) : "unlimited";
        fields["price_id"] = license.Plan;
        fields["customer_email"] = license.CustomerEmail;
        fields["customer_name"] = "";
        fields["payment_id"] = 0;
        return fields;
    }

    /// <summary>
    /// <c>get_version</c>'s answer: what EDD's updater reads, with <c>sections</c>, <c>banners</c> and <c>icons</c> PHP-serialized
    /// as EDD sends them. <paramref name="offered"/> null: no release yet (empty versions, so the updater sees no update).
    /// </summary>
    public static Dictionary<string, object?> VersionInfo(string productName, string slug, Release? offered, Release? stable, string? packageUrl,
        string? message)
    {
        var info = new Dictionary<string, object?>
        {
            ["new_version"] = offered?.Version.Text ?? "",
            ["stable_version"] = stable?.Version.Text ?? "",
            ["name"] = productName,
            ["slug"] = slug,
            ["url"] = "",
            ["homepage"] = "",
            ["last_updated"] = offered?.ReleasedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "",
            ["package"] = packageUrl ?? "",
            ["download_link"] = packageUrl ?? "",
            ["sections"] = PhpSerialized.Serialize(new Dictionary<string, object?>
            {
                ["description"] = "",
                ["changelog"] = offered is null ? "" : ChangelogMarkdown.ToHtml(offered.Changelog),
            }),
            ["banners"] = NoBanners,
            ["icons"] = NoIcons,
            ["tested"] = offered?.TestedWp ?? "",
            ["requires"] = offered?.RequiresWp ?? "",
            ["requires_php"] = offered?.RequiresPhp ?? "",
        };
        if (message is not null) info["msg"] = message;
        return info;
    }
}
