using Azure.Data.Tables;
using Licensing.Domain.Licenses;

namespace Licensing.Functions.Licenses;

/// <summary>
/// The activation rows beside a license in its partition of <c>licenses</c> (RowKey
/// <c>act|&lt;licenseId&gt;|&lt;activationId&gt;</c>, which sorts before every license row), and the compact index of
/// them the license entity keeps for validation. docs/storage.md.
/// </summary>
public static class ActivationRows
{
    public const string Prefix = "act|";

    public static string RowKey(string licenseId, string activationId) => $"{Prefix}{licenseId}|{activationId}";

    /// <summary>The RowKey range of one license's activation rows.</summary>
    public static string Of(License license)
    {
        var prefix = RowKey(license.Id, "");
        return TableClient.CreateQueryFilter($"PartitionKey eq {license.AccountId} and RowKey ge {prefix} and RowKey lt {prefix[..^1] + "}"}");
    }

    /// <summary>The account's activation rows on one domain (a filtered read of the account's activation RowKey range).</summary>
    public static string OnDomain(string accountId, string domain) => TableClient.CreateQueryFilter(
        $"PartitionKey eq {accountId} and RowKey ge {Prefix} and RowKey lt {Prefix[..^1] + "}"} and Domain eq {domain}");

    /// <summary>The license id in an activation row's RowKey.</summary>
    public static string LicenseIdOf(string rowKey) => rowKey[Prefix.Length..rowKey.IndexOf('|', Prefix.Length)];

    public static TableEntity ToRow(License license, Activation a) => new(license.AccountId, RowKey(license.Id, a.Id))
    {
        ["Domain"] = a.Domain,
        ["Fingerprint"] = a.Fingerprint,
        ["Name"] = a.Name,
        ["CreatedAt"] = a.CreatedAt,
    };

    public static Activation FromRow(TableEntity row, int idStart) =>
        new(row.RowKey[idStart..], row.GetString("Domain"), row.GetString("Fingerprint"), row.GetString("Name"),
            row.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue);

    /// <summary>
    /// The activation index on the license entity, as one binary property: per activation the 10 bytes of its id
    /// (<c>act_</c> + 20 hex digits) and a kind byte. 2,000 activations take 22,000 bytes.
    /// </summary>
    public static class CompactIndex
    {
        private const string Prefix = "act_";
        private const int IdBytes = 10;
        private const int EntryBytes = IdBytes + 1;

        public static byte[] Encode(IReadOnlyList<ActivationRef> index)
        {
            var bytes = new byte[index.Count * EntryBytes];
            for (var i = 0; i < index.Count; i++)
            {
                var id = index[i].Id;
                if (id.Length != Prefix.Length + 2 * IdBytes || !id.StartsWith(Prefix, StringComparison.Ordinal))
                    throw new InvalidOperationException($"not an activation id: {id}");
                Convert.FromHexString(id.AsSpan(Prefix.Length), bytes.AsSpan(i * EntryBytes, IdBytes), out _, out _);
                bytes[i * EntryBytes + IdBytes] = (byte)index[i].Kind;
            }
            return bytes;
        }

        public static ActivationRef[] Decode(byte[] bytes)
        {
            var index = new ActivationRef[bytes.Length / EntryBytes];
            for (var i = 0; i < index.Length; i++)
                index[i] = new ActivationRef(Prefix + Convert.ToHexStringLower(bytes.AsSpan(i * EntryBytes, IdBytes)),
                    (ActivationKind)bytes[i * EntryBytes + IdBytes]);
            return index;
        }
    }
}
