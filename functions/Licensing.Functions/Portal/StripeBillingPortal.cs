using System.Net;
using Licensing.Domain.Billing;
using Licensing.Domain.Common;
using Licensing.Domain.Portal;
using Licensing.Functions.Hosting;
using Microsoft.Extensions.Options;
using Stripe;
using BillingPortalSessionCreateOptions = Stripe.BillingPortal.SessionCreateOptions;
using BillingPortalSessionService = Stripe.BillingPortal.SessionService;

namespace Licensing.Functions.Portal;

/// <summary>
/// Stripe's customer portal: <c>POST /v1/billing_portal/sessions</c> (customer, return_url) with the account's own Stripe
/// API key (<c>PUT /v1/integrations/stripe</c> <c>apiKey</c>), through Stripe.net. The key needs write access to
/// "Customer portal"; the portal itself is configured in the seller's Stripe dashboard.
/// </summary>
public sealed class StripeBillingPortal(ISecretStore secrets, IOptions<LicensingOptions> options) : IBillingPortal
{
    public async Task<bool> ConnectedAsync(string accountId, CancellationToken ct) => await ApiKeyAsync(accountId, ct) is not null;

    public async Task<Uri?> CreateSessionAsync(string accountId, string customerId, Uri returnUrl, CancellationToken ct)
    {
        if (await ApiKeyAsync(accountId, ct) is not { } apiKey) return null;
        var client = new StripeClient(apiKey, apiBase: options.Value.StripeApiBase);
        try
        {
            var session = await new BillingPortalSessionService(client).CreateAsync(
                new BillingPortalSessionCreateOptions { Customer = customerId, ReturnUrl = returnUrl.ToString() }, cancellationToken: ct);
            return new Uri(session.Url);
        }
        catch (StripeException e) when (e.HttpStatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound)
        {
            throw new NotFoundException("the payment provider does not know your billing account; contact the seller");
        }
        catch (StripeException e) when (e.HttpStatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new NotFoundException("the seller's online billing connection is not working; contact the seller");
        }
        catch (StripeException e)
        {
            throw new ServiceUnavailableException("the payment provider did not answer; try again in a moment", e);
        }
    }

    private Task<string?> ApiKeyAsync(string accountId, CancellationToken ct) =>
        secrets.GetAsync(ProviderSecrets.Name(BillingProvider.Stripe, Billing.Stripe.StripeConnector.ApiKey, accountId), ct);
}
