using System.Text.Json;
using Azure.Data.Tables;
using Licensing.Domain.Common;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Licenses;

/// <summary>
/// The license entity of the <c>licenses</c> table (RowKey = license id): status, terms copied from the plan, the
/// activation index (<see cref="ActivationRows.CompactIndex"/>), development hosts, key and metadata, and how an entity in the
/// older layout (activations inline) reads. docs/storage.md.
/// </summary>
public static class LicenseEntities
{
    private static readonly DateTimeOffset NoExpiry = new(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);

    public static TableEntity ToEntity(License l)
    {
        var entity = new TableEntity(l.AccountId, l.Id)
        {
            ["ProductId"] = l.ProductId,
            ["Plan"] = l.Plan,
            ["Model"] = l.Model.ToWire(),
            ["Status"] = l.Status.ToWire(),
            ["CustomerEmail"] = l.CustomerEmail,
            ["CustomerEmailKey"] = EmailAddress.LookupKey(l.CustomerEmail),
            ["Features"] = StorageJson.Serialize(l.Features),
            ["Deactivations"] = StorageJson.Serialize(l.Deactivations.Select(d => d.ToUnixTimeSeconds())),
            ["StatusReason"] = l.StatusReason,
            ["BillingState"] = Licensing.Domain.Billing.BillingStates.ToStored(l.BillingState),
            ["RedeemedCodes"] = StorageJson.Serialize(l.RedeemedCodes),
            ["KeyAliases"] = l.KeyAliases.Count == 0 ? null : StorageJson.Serialize(l.KeyAliases),
            ["UpdatesUntil"] = l.UpdatesUntil,
            ["BillingUpdatedAt"] = l.BillingUpdatedAt,
            ["Test"] = l.Test ? true : null,
            ["MaxActivations"] = l.MaxActivations,
            ["ExpiresAt"] = l.ExpiresAt,
            ["ExpiresSort"] = l.ExpiresAt ?? NoExpiry,
            ["CreatedAt"] = l.CreatedAt,
            ["UpdatedAt"] = l.UpdatedAt,
            ["LicenseKey"] = l.Key,
            ["ShortKeyVersion"] = l.ShortKeyVersion,
            ["Trial"] = l.Trial ? true : null,
            ["ConvertedBy"] = l.ConvertedBy,
            ["ActivationIndex"] = ActivationRows.CompactIndex.Encode(l.Activations),
        };
        ChunkedText.Write(entity, "Metadata", "metadata", StorageJson.Serialize(l.Metadata), LicenseService.MaxMetadataStoredChunks);
        ChunkedText.Write(entity, "DevelopmentHosts", "developmentHosts",
            StorageJson.Serialize(l.DevelopmentHosts.Select(d => new DevelopmentHostRecord(d.Host, d.Since.ToUnixTimeSeconds()))), 1);
        return entity;
    }

    /// <summary>The older layout's inline activations (JSON with short names, in 30,000-character chunks).</summary>
    private sealed record InlineActivationRecord(string I, string? D, string? F, string? N, DateTimeOffset C)
    {
        public Activation ToActivation() => new(I, D, F, N, C);
    }

    private sealed record DevelopmentHostRecord(string H, long T);

    public static License FromEntity(TableEntity e)
    {
        // Current layout: the index. Older layout: the activations inline, which become rows on the next write.
        var index = e.GetBinary("ActivationIndex");
        var inline = index is null
            ? (StorageJson.Deserialize<InlineActivationRecord[]>(ChunkedText.Read(e, "Activations") ?? "[]") ?? []).Select(a => a.ToActivation()).ToArray()
            : [];
        return new()
        {
            AccountId = e.PartitionKey,
            Id = e.RowKey,
            ProductId = e.GetString("ProductId"),
            Plan = e.GetString("Plan"),
            Model = Naming.ParseModel(e.GetString("Model")) ?? LicenseModel.Subscription,
            Status = LicenseStatusNames.Parse(e.GetString("Status")) ?? LicenseStatus.Suspended,
            CustomerEmail = e.GetString("CustomerEmail"),
            Features = StorageJson.Deserialize<string[]>(e.GetString("Features") ?? "[]") ?? [],
            Activations = index is null ? inline.Select(a => a.Ref).ToArray() : ActivationRows.CompactIndex.Decode(index),
            InlineActivations = inline,
            DevelopmentHosts = (StorageJson.Deserialize<DevelopmentHostRecord[]>(ChunkedText.Read(e, "DevelopmentHosts") ?? "[]") ?? [])
                .Select(d => new DevelopmentHostUse(d.H, DateTimeOffset.FromUnixTimeSeconds(d.T))).ToArray(),
            Deactivations = ReadTimes(e.GetString("Deactivations")),
            StatusReason = e.GetString("StatusReason"),
            BillingState = Licensing.Domain.Billing.BillingStates.Parse(e.GetString("BillingState")),
            RedeemedCodes = StorageJson.Deserialize<string[]>(e.GetString("RedeemedCodes") ?? "[]") ?? [],
            KeyAliases = StorageJson.Deserialize<string[]>(e.GetString("KeyAliases") ?? "[]") ?? [],
            UpdatesUntil = e.GetDateTimeOffset("UpdatesUntil"),
            BillingUpdatedAt = e.GetDateTimeOffset("BillingUpdatedAt"),
            Test = e.GetBoolean("Test") ?? false,
            MaxActivations = e.GetInt32("MaxActivations"),
            ExpiresAt = e.GetDateTimeOffset("ExpiresAt"),
            CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
            UpdatedAt = e.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.MinValue,
            Metadata = StorageJson.Deserialize<Dictionary<string, string>>(ChunkedText.Read(e, "Metadata") ?? "{}") ?? [],
            Key = e.GetString("LicenseKey"),
            ShortKeyVersion = e.GetInt32("ShortKeyVersion"),
            Trial = e.GetBoolean("Trial") ?? false,
            ConvertedBy = e.GetString("ConvertedBy"),
            Version = e.ETag.ToString(),
        };
    }

    /// <summary>Deactivation times: Unix seconds (older entities hold RFC 3339 strings, which read the same).</summary>
    private static DateTimeOffset[] ReadTimes(string? json)
    {
        if (json is null) return [];
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateArray()
            .Select(t => t.ValueKind == JsonValueKind.Number ? DateTimeOffset.FromUnixTimeSeconds(t.GetInt64()) : t.GetDateTimeOffset())
            .ToArray();
    }
}
