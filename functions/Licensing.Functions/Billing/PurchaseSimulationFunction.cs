using Licensing.Domain.Accounts;
using Licensing.Domain.Billing;
using Licensing.Domain.Common;
using Licensing.Domain.Domains;
using Licensing.Domain.Products;
using Licensing.Functions.Billing.Stripe;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Billing;

/// <summary>
/// <c>POST /v1/integrations/{provider}/simulate</c>: a test-mode purchase sent through the real pipeline. The event is
/// shaped as the provider sends it, signed with the account's own webhook secret, and handed to the same signature check
/// and inbox as a delivery from the provider; the processor then issues a license marked <c>test</c> and e-mails its key.
/// </summary>
public sealed class PurchaseSimulationFunction(RequestAuth auth, IProductStore products, StripeInbound stripe, TimeProvider clock)
{
    public sealed record Body(string? ProductId, string? Plan, string? CustomerEmail, string? Domain);

    [Function(nameof(SimulatePurchase))]
    public async Task<IActionResult> SimulatePurchase(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/integrations/{provider}/simulate")] HttpRequest req, string provider,
        CancellationToken ct)
    {
        var caller = await auth.RequireAccountAsync(req, Scopes.IntegrationsWrite, ct);
        if (provider != BillingProvider.Stripe.ToWire())
            throw new NotFoundException($"simulated purchases are available for stripe, not '{provider}'");
        var body = await RequestBody.ReadJsonAsync<Body>(req, ct);
        var errors = new FieldErrors();
        if (body.ProductId is null || !Naming.IsSlug(body.ProductId)) errors.Add("productId", "must be one of your product ids");
        if (body.Plan is null || !Naming.IsSlug(body.Plan)) errors.Add("plan", "must be a plan id of that product");
        var email = EmailAddress.Normalize(body.CustomerEmail);
        if (email is null) errors.Add("customerEmail", "must be a valid e-mail address");
        // The issuance's own check (HostBindings), up front: a domain the license could not bind is a 400 here, not a failed event.
        if (body.Domain is not null && HostBindings.NormalizeBinding(body.Domain, out var domainError) is null) errors.Add("domain", domainError);
        errors.ThrowIfAny();
        var product = await products.GetAsync(caller.AccountId, body.ProductId!, ct);
        if (product is null) errors.Add("productId", "no such product in this account");
        else if (product.FindPlan(body.Plan!) is null) errors.Add("plan", $"product {product.Id} has no plan '{body.Plan}'");
        errors.ThrowIfAny();

        var secret = await stripe.SecretAsync(caller.AccountId, ct);
        var now = clock.GetUtcNow();
        var (eventId, raw) = StripeTestPurchase.Event(body.ProductId!, body.Plan!, email!, body.Domain, now);
        var answer = await stripe.ReceiveAsync(caller.AccountId, raw, StripeTestPurchase.Signature(raw, secret, now), ct);
        if (answer is ApiJsonResult { Status: >= 400 }) return answer;
        return new ApiJsonResult(StatusCodes.Status202Accepted, new { provider, eventId, type = StripeTestPurchase.EventType });
    }
}
