using System.Globalization;
using System.Text;
using Licensing.Domain.Accounts;
using Licensing.Domain.Billing;
using Licensing.Functions.Billing.Simulation;

namespace Licensing.Functions.Billing.Gumroad;

/// <summary>
/// Gumroad: the Ping of a sale with <c>test=true</c> (how Gumroad marks a seller buying their own product), from the
/// account's seller, of the plan's product (<c>product_id</c>, or <c>product_permalink</c> when the plan lists a
/// permalink), the site as the product link's <c>url_params[domain]</c>; form-encoded as Gumroad posts it. Gumroad signs
/// nothing and the URL secret is kept only as a hash, so the delivery is authenticated by the account's API key
/// (<see cref="GumroadCaller.Account"/>); the seller check, naming, inbox and queue are the webhook's.
/// </summary>
public sealed class GumroadSimulator(GumroadInbound inbound) : IPurchaseSimulator
{
    public const string Resource = "sale";

    public BillingProvider Provider => BillingProvider.Gumroad;

    public bool MapsByItemId => true;

    public Task RequireReadyAsync(string accountId, CancellationToken ct) => inbound.SellerIdAsync(accountId, ct);

    public async Task<SimulatedDelivery> SendAsync(Credential caller, SimulatedPurchase p, CancellationToken ct)
    {
        var raw = Ping(p, await inbound.SellerIdAsync(caller.AccountId, ct));
        var answer = await inbound.ReceiveAsync(caller.AccountId, new GumroadCaller.Account(caller), raw, ct);
        return new SimulatedDelivery(answer, GumroadPing.Parse(raw).EventId!, Resource);
    }

    public static byte[] Ping(SimulatedPurchase p, string sellerId)
    {
        var saleId = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
        // Gumroad's product ids are base64 (ending "=="); a plan may list the product's permalink instead.
        var productField = p.ItemId!.EndsWith('=') ? "product_id" : "product_permalink";
        var fields = new List<KeyValuePair<string, string>>
        {
            new("seller_id", sellerId),
            new("sale_id", saleId),
            new("sale_timestamp", p.Now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)),
            new("order_number", SimulatedIds.Number().ToString(CultureInfo.InvariantCulture)),
            new(productField, p.ItemId),
            new("product_name", p.Product.Name),
            new("email", p.Email),
            new("price", "0"),
            new("currency", "usd"),
            new("quantity", "1"),
            new("refunded", "false"),
            new("disputed", "false"),
            new("test", "true"),
            new("url_params[simulated]", "dashboard"),
        };
        if (p.Domain is not null) fields.Add(new("url_params[domain]", p.Domain));
        return Encoding.UTF8.GetBytes(string.Join('&', fields.Select(f => $"{Uri.EscapeDataString(f.Key)}={Uri.EscapeDataString(f.Value)}")));
    }
}
