using Licensing.Domain.Domains;
using Licensing.Domain.Products;

namespace Licensing.Domain.Activity;

/// <summary>
/// The sharing heuristic (docs/abuse.md): more distinct sites than slots, more distinct development hosts than the
/// plan's free allowance, or more than twice as many addresses as slots.
/// </summary>
public static class SharingSignal
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);
    public const int MaxTracked = 100;
    public const int AddressTolerance = 2;

    /// <summary>What a domain counts as: its site (registrable domain, by the Public Suffix List), so
    /// <c>shop.example.com</c> and <c>blog.example.com</c> are one site and <c>a.github.io</c> and <c>b.github.io</c>
    /// two; an IP address, or a host that is itself a public suffix, counts as itself.</summary>
    public static string Site(string domain) => PublicSuffixList.RegistrableDomain(domain) ?? domain;

    public static bool Suspected(int? maxActivations, int domains, int addresses, int developmentHosts = 0,
        int maxDevelopmentHosts = PlanPolicy.DefaultMaxDevelopmentHosts) =>
        maxActivations is { } slots &&
        (domains > Math.Max(slots, 1) || developmentHosts > maxDevelopmentHosts || addresses > AddressTolerance * Math.Max(slots, 1));
}
