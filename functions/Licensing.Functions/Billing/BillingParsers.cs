using Licensing.Domain.Billing;
using Licensing.Domain.Common;

namespace Licensing.Functions.Billing;

/// <summary>Every registered provider's <see cref="IBillingEventParser"/>, by provider: the processor's one lookup.</summary>
public sealed class BillingParsers(IEnumerable<IBillingEventParser> parsers)
{
    private readonly Dictionary<BillingProvider, IBillingEventParser> _byProvider = parsers.ToDictionary(p => p.Provider);

    public IBillingEventParser For(BillingProvider provider) =>
        _byProvider.TryGetValue(provider, out var parser) ? parser : throw new BillingPermanentException($"no parser for {provider.ToWire()} events");

    /// <summary>A provider named in a route (<c>/v1/integrations/{provider}/…</c>): 404 when it is not one this app handles.</summary>
    public BillingProvider FromRoute(string provider) =>
        BillingProviders.TryParse(provider, out var p) && _byProvider.ContainsKey(p) ? p
            : throw new NotFoundException($"no payment provider '{provider}'");
}
