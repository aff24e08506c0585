using Licensing.Domain.Accounts;
using Licensing.Domain.Billing;
using Licensing.Domain.Common;
using Licensing.Domain.Domains;
using Licensing.Domain.Products;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Billing.Simulation;

/// <summary>
/// <c>POST /v1/integrations/{provider}/simulate</c>: a test-mode purchase sent through the real pipeline. The event is
/// shaped as the provider sends it, authenticated as the provider would (signed with the account's own webhook secret),
/// and handed to the same verification and inbox as a delivery from the provider (<see cref="IPurchaseSimulator"/>); the
/// processor then issues a license marked <c>test</c> and e-mails its key. Stripe, Lemon Squeezy, Paddle and Gumroad;
/// AppSumo answers 404 (its purchases carry no e-mail and cannot be marked test).
/// </summary>
public sealed class PurchaseSimulationFunction(RequestAuth auth, IProductStore products, IEnumerable<IPurchaseSimulator> simulators, TimeProvider clock)
{
    public sealed record Body(string? ProductId, string? Plan, string? CustomerEmail, string? Domain);

    [Function(nameof(SimulatePurchase))]
    public async Task<IActionResult> SimulatePurchase(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/integrations/{provider}/simulate")] HttpRequest req, string provider,
        CancellationToken ct)
    {
        var caller = await auth.RequireAccountAsync(req, Scopes.IntegrationsWrite, ct);
        var simulator = Simulator(provider);
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
        var plan = product?.FindPlan(body.Plan!);
        if (product is null) errors.Add("productId", "no such product in this account");
        else if (plan is null) errors.Add("plan", $"product {product.Id} has no plan '{body.Plan}'");
        errors.ThrowIfAny();

        await simulator.RequireReadyAsync(caller.AccountId, ct);
        string? itemId = null;
        if (simulator.MapsByItemId)
        {
            // The event carries the plan's item id, and the processor maps it as it maps a real purchase: it must come back to this plan.
            itemId = PurchaseSimulation.ItemId(product!, plan!, simulator.Provider, await products.ListAsync(caller.AccountId, ct), out var problem);
            if (itemId is null) throw ValidationFailedException.For("plan", problem!);
        }
        var sent = await simulator.SendAsync(caller, new SimulatedPurchase(product!, plan!, itemId, email!, body.Domain, clock.GetUtcNow()), ct);
        if (sent.Answer is ApiJsonResult { Status: >= 400 }) return sent.Answer;
        return new ApiJsonResult(StatusCodes.Status202Accepted, new { provider, eventId = sent.EventId, type = sent.Type });
    }

    private IPurchaseSimulator Simulator(string provider)
    {
        if (BillingProviders.TryParse(provider, out var p) && simulators.FirstOrDefault(s => s.Provider == p) is { } simulator) return simulator;
        throw new NotFoundException(p == BillingProvider.AppSumo && provider == p.ToWire()
            ? "AppSumo purchases cannot be simulated: AppSumo sends no buyer e-mail and has no test purchases (its test webhook provisions nothing)"
            : $"simulated purchases are available for stripe, lemonsqueezy, paddle and gumroad, not '{provider}'");
    }
}
