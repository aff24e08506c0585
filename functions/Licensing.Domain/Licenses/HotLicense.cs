using Licensing.Domain.Activity;
using Licensing.Domain.Common;
using Licensing.Domain.Products;
using Licensing.Domain.Signing;

namespace Licensing.Domain.Licenses;

/// <summary>
/// A verified license key's way to the per-license state this instance keeps, reached by the one lookup a validation makes
/// anyway (the key in <see cref="VerifiedKeyCache"/>): the per-key rate-limit bucket, the license cache's entry, the certificates
/// last reused for its sites, the activity being recorded and the plan's policies. Each is a reference to what its own structure
/// holds (shared with every other key and path of the license) and is checked still current before use; a stale or missing one
/// is looked up as before and remembered. Nothing here is state of its own, so no limit, staleness bound or count changes: a
/// repeat validation only skips five lookups in per-instance tables of every hot license (memory the CPU's caches miss).
/// </summary>
public sealed class HotLicense(LicenseKeyId id)
{
    public LicenseKeyId Id { get; } = id;

    /// <summary>The license's bucket of the per-key limit (<see cref="AbuseGuard.CheckLicense(string, HotLicense?)"/>).</summary>
    internal TokenBuckets.Bucket? RateBucket;

    /// <summary>The license cache's entry (<see cref="LicenseReadCache"/>).</summary>
    internal TtlCache<(string AccountId, string LicenseId), License?>.Entry? Cached;

    /// <summary>
    /// The certificates last reused or signed for this key's sites, with what each was signed for (<see cref="CertificateCache.KeptPerKey"/>).
    /// </summary>
    internal CertificateCache.Reused?[]? Certificates;

    /// <summary>The license's activity being recorded (<see cref="ActivityRecorder"/>).</summary>
    internal ActivityRecorder.Pending? Activity;

    /// <summary>The license's product and plan policies, with the product cache's entry they came from (<see cref="ProductCache"/>).</summary>
    internal KeptPolicies? Policies;
}
