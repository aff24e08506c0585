using Licensing.Domain.Licenses;

namespace Licensing.Domain.Metrics;

/// <summary>One product's snapshot: licenses that exist (any status), those effectively active, distinct domains bound to active ones.</summary>
public sealed record ProductSnapshot(long Issued, long Active, long ActiveDomains);

/// <summary>
/// Counts licenses per product into the snapshot the metrics report: shared by the hourly roll-up (all accounts) and the
/// live current-day values (one account), so both follow the same rule. Test-mode licenses count in no metric; domains
/// are counted by activation id (a hash of the binding), so only license entities are read.
/// </summary>
public sealed class LicenseTally(DateTimeOffset at)
{
    private readonly Dictionary<(string Account, string Product), (long Issued, long Active, HashSet<string> Domains)> groups = [];
    private readonly Dictionary<(string Account, string Product), long> tests = [];

    public void Add(License l)
    {
        if (l.Test)
        {
            tests[(l.AccountId, l.ProductId)] = tests.GetValueOrDefault((l.AccountId, l.ProductId)) + 1;
            return;
        }
        if (!groups.TryGetValue((l.AccountId, l.ProductId), out var g)) g = (0, 0, new HashSet<string>(StringComparer.Ordinal));
        g.Issued++;
        if (l.EffectiveStatus(at) == LicenseStatus.Active)
        {
            g.Active++;
            foreach (var a in l.Activations)
                if (a.Kind == ActivationKind.Domain) g.Domains.Add(a.Id);
        }
        groups[(l.AccountId, l.ProductId)] = g;
    }

    /// <summary>Test-mode licenses (simulated purchases, providers' test mode) per product: shown beside the metrics, counted in none.</summary>
    public IReadOnlyDictionary<(string Account, string Product), long> TestLicenses => tests;

    public IReadOnlyDictionary<(string Account, string Product), ProductSnapshot> Snapshots =>
        groups.ToDictionary(kv => kv.Key, kv => new ProductSnapshot(kv.Value.Issued, kv.Value.Active, kv.Value.Domains.Count));
}
