using Licensing.Domain.Common;
using Licensing.Domain.Licenses;
using Licensing.Domain.Portal;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Portal;

/// <summary>
/// The signed-in customer's licenses with one seller (docs/portal.md): list, deactivate a site or machine, e-mail the key
/// again, open the billing page. Every route takes a portal session of the route's account and acts on that customer's
/// licenses only.
/// </summary>
public sealed class PortalFunctions(PortalService portal, PortalAuth auth, AbuseGuard guard, TimeProvider clock)
{
    public sealed record DeactivateBody(string? ActivationId);

    [Function(nameof(ListPortalLicenses))]
    public async Task<IActionResult> ListPortalLicenses(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/portal/{accountId}/licenses")] HttpRequest req, string accountId,
        CancellationToken ct)
    {
        var (customer, _) = await auth.RequireCustomerAsync(req, accountId, ct);
        var (licenses, billing) = await portal.ListAsync(customer, ct);
        var now = clock.GetUtcNow();
        return new ApiJsonResult(StatusCodes.Status200OK, new
        {
            customerEmail = customer.Email,
            billingPortal = billing,
            items = licenses.Select(l => ToResponse(l, now)),
        });
    }

    [Function(nameof(PortalDeactivate))]
    public async Task<IActionResult> PortalDeactivate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/portal/{accountId}/licenses/{licenseId}/deactivate")] HttpRequest req,
        string accountId, string licenseId, CancellationToken ct)
    {
        var (customer, _) = await auth.RequireCustomerAsync(req, accountId, ct);
        var body = await RequestBody.ReadJsonAsync<DeactivateBody>(req, ct);
        if (string.IsNullOrWhiteSpace(body.ActivationId) || body.ActivationId.Length > 100)
            throw ValidationFailedException.For("activationId", "is required: the id of one of the license's activations");
        var (outcome, remaining) = await portal.DeactivateAsync(customer, licenseId, body.ActivationId, ct);
        return new ApiJsonResult(StatusCodes.Status200OK, new
        {
            deactivated = outcome.Deactivated,
            code = outcome.Code,
            detail = outcome.Detail,
            activationsUsed = outcome.License.Activations.Count,
            maxActivations = outcome.License.MaxActivations,
            deactivationsRemaining = remaining,
        });
    }

    [Function(nameof(PortalResendKey))]
    public async Task<IActionResult> PortalResendKey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/portal/{accountId}/licenses/{licenseId}/resend")] HttpRequest req,
        string accountId, string licenseId, CancellationToken ct)
    {
        var (customer, _) = await auth.RequireCustomerAsync(req, accountId, ct);
        guard.CheckKeyResend($"{accountId}/{licenseId}");
        await portal.ResendAsync(customer, licenseId, ct);
        return new ApiJsonResult(StatusCodes.Status202Accepted, new { status = "accepted", detail = $"the license key is on its way to {customer.Email}" });
    }

    [Function(nameof(PortalBilling))]
    public async Task<IActionResult> PortalBilling(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/portal/{accountId}/billing")] HttpRequest req, string accountId,
        CancellationToken ct)
    {
        var (customer, _) = await auth.RequireCustomerAsync(req, accountId, ct);
        return new ApiJsonResult(StatusCodes.Status200OK, new { url = await portal.BillingPageAsync(customer, ct) });
    }

    private static object ToResponse(PortalLicense p, DateTimeOffset now)
    {
        var l = p.License;
        return new
        {
            licenseId = l.Id,
            licenseKey = l.CustomerKey,
            productId = l.ProductId,
            productName = p.ProductName,
            plan = l.Plan,
            planName = p.PlanName,
            status = l.EffectiveStatus(now).ToWire(),
            expiresAt = l.ExpiresAt,
            maxActivations = l.MaxActivations,
            activationsUsed = l.Activations.Count,
            deactivationsRemaining = p.DeactivationsRemaining,
            activations = p.Activations.Select(a => new { id = a.Id, domain = a.Domain, fingerprint = a.Fingerprint, name = a.Name, createdAt = a.CreatedAt }),
        };
    }
}
