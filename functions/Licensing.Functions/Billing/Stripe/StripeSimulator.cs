using Licensing.Domain.Accounts;
using Licensing.Domain.Billing;
using Licensing.Functions.Billing.Simulation;

namespace Licensing.Functions.Billing.Stripe;

/// <summary>Stripe: a <c>livemode: false</c> checkout naming the product and plan in its metadata (<see cref="StripeTestPurchase"/>).</summary>
public sealed class StripeSimulator(StripeInbound inbound) : IPurchaseSimulator
{
    public BillingProvider Provider => BillingProvider.Stripe;

    public bool MapsByItemId => false;

    public Task RequireReadyAsync(string accountId, CancellationToken ct) => inbound.SecretAsync(accountId, ct);

    public async Task<SimulatedDelivery> SendAsync(Credential caller, SimulatedPurchase p, CancellationToken ct)
    {
        var secret = await inbound.SecretAsync(caller.AccountId, ct);
        var (eventId, raw) = StripeTestPurchase.Event(p.Product.Id, p.Plan.Id, p.Email, p.Domain, p.Now);
        var answer = await inbound.ReceiveAsync(caller.AccountId, raw, StripeTestPurchase.Signature(raw, secret, p.Now), ct);
        return new SimulatedDelivery(answer, eventId, StripeTestPurchase.EventType);
    }
}
