using System.Text.Json;
using Licensing.Domain.Billing;
using Licensing.Domain.Common;
using Licensing.Domain.Email;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;
using Licensing.Functions.Hosting;
using Microsoft.Extensions.Options;
using EventTypes = Stripe.EventTypes;
using StripeClient = Stripe.StripeClient;
using StripeException = Stripe.StripeException;

namespace Licensing.Functions.Billing;

/// <summary>
/// Turns one stored Stripe event into license changes. Idempotent twice over: by event id (the inbox's processed
/// mark) and by business key (a checkout session always names the same derived license id; e-mails have
/// deterministic outbox ids). Older events never overwrite newer billing state (<see cref="License.BillingUpdatedAt"/>).
/// The event body is read with System.Text.Json, field by field, so events of any API version are understood.
/// </summary>
public sealed class StripeEventProcessor(
    IStripeInbox inbox, IStripeLinks links, IStripeFailures failures, LicenseService licenses, IProductStore products,
    EmailOutboxService email, ISecretStore secrets, IOptions<LicensingOptions> options, TimeProvider clock, Licensing.Domain.Metrics.IMetricsStore metrics)
{
    public static readonly TimeSpan PastDueGrace = TimeSpan.FromDays(7);

    public static IReadOnlySet<string> HandledTypes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        EventTypes.CheckoutSessionCompleted, EventTypes.CheckoutSessionAsyncPaymentSucceeded, EventTypes.InvoicePaid,
        EventTypes.InvoicePaymentFailed, EventTypes.CustomerSubscriptionUpdated, EventTypes.CustomerSubscriptionDeleted,
        EventTypes.ChargeRefunded, EventTypes.ChargeDisputeCreated,
    };

    public async Task<string> ProcessAsync(StripeEventMessage message, long dequeueCount, int maxDequeueCount, CancellationToken ct)
    {
        var record = await inbox.GetAsync(message.AccountId, message.EventId, ct);
        if (record is null) return "not in the inbox";
        if (record.ProcessedAt is not null) return "already processed: " + record.Outcome;
        string outcome;
        try
        {
            using var document = JsonDocument.Parse(record.Body);
            var data = document.RootElement.GetProperty("data").GetProperty("object");
            outcome = await DispatchAsync(record, data, ct);
        }
        catch (Exception e) when (e is StripePermanentException or ValidationFailedException or KeyNotFoundException or JsonException)
        {
            var reason = e is ValidationFailedException v ? "invalid license terms: " + string.Join("; ", v.Errors.Select(x => $"{x.Key}: {string.Join(", ", x.Value)}")) : e.Message;
            await failures.RecordAsync(new StripeFailure(record.AccountId, record.EventId, record.Type, reason, dequeueCount, clock.GetUtcNow()), ct);
            await inbox.MarkProcessedAsync(record, "failed: " + reason, clock.GetUtcNow(), ct);
            return "failed: " + reason;
        }
        catch (Exception e) when (dequeueCount >= maxDequeueCount && e is not OperationCanceledException)
        {
            // Last attempt: say why before the host moves the message to stripe-events-poison.
            await failures.RecordAsync(new StripeFailure(record.AccountId, record.EventId, record.Type, e.Message, dequeueCount, clock.GetUtcNow()), ct);
            throw;
        }
        await inbox.MarkProcessedAsync(record, outcome, clock.GetUtcNow(), ct);
        return outcome;
    }

    private Task<string> DispatchAsync(StripeEventRecord e, JsonElement data, CancellationToken ct) => e.Type switch
    {
        EventTypes.CheckoutSessionCompleted => ProvisionAsync(e, data, requirePaid: true, ct),
        EventTypes.CheckoutSessionAsyncPaymentSucceeded => ProvisionAsync(e, data, requirePaid: false, ct),
        EventTypes.InvoicePaid => InvoicePaidAsync(e, data, ct),
        EventTypes.InvoicePaymentFailed => PaymentFailedAsync(e, data, ct),
        EventTypes.CustomerSubscriptionUpdated => SubscriptionUpdatedAsync(e, data, ct),
        EventTypes.CustomerSubscriptionDeleted => SubscriptionDeletedAsync(e, data, ct),
        EventTypes.ChargeRefunded => RefundedAsync(e, data, ct),
        EventTypes.ChargeDisputeCreated => DisputedAsync(e, data, ct),
        _ => Task.FromResult("ignored: unhandled type"),
    };

    private async Task<string> ProvisionAsync(StripeEventRecord e, JsonElement session, bool requirePaid, CancellationToken ct)
    {
        var sessionId = Str(session, "id") ?? throw new StripePermanentException("checkout session without id");
        var paymentStatus = Str(session, "payment_status");
        if (requirePaid && paymentStatus is not ("paid" or "no_payment_required"))
            return $"waiting for checkout.session.async_payment_succeeded (payment_status={paymentStatus})";
        var customerEmail = Str(session, "customer_details", "email") ?? Str(session, "customer_email")
            ?? throw new StripePermanentException($"checkout session {sessionId} has no customer e-mail");

        var (product, plan) = await TermsAsync(e.AccountId, session, sessionId, ct);
        var domain = Str(session, "metadata", "domain");
        var licenseId = LinkKeys.LicenseIdForCheckout(e.AccountId, sessionId);
        var license = await licenses.IssueAsync(e.AccountId, new IssueLicenseInput(product.Id, customerEmail, domain is null ? null : [domain], plan.Id,
            null, null, null, new Dictionary<string, string?> { ["stripeCheckoutSession"] = sessionId, ["stripeEvent"] = e.EventId }), licenseId, ct);

        await links.LinkAsync(e.AccountId, sessionId, license.Id, ct);
        if (IdOf(session, "subscription") is { } subscription) await links.LinkAsync(e.AccountId, subscription, license.Id, ct);
        if (IdOf(session, "payment_intent") is { } paymentIntent) await links.LinkAsync(e.AccountId, paymentIntent, license.Id, ct);
        await licenses.ApplyAsync(e.AccountId, license.Id, (l, _) => l.BillingUpdatedAt >= e.Created ? null : l with { BillingUpdatedAt = e.Created }, ct);

        await email.QueueAsync(new OutboxEmail
        {
            AccountId = e.AccountId,
            Id = "license-" + license.Id,
            Message = LicenseEmail.Compose(license, product, $"<license-{license.Id}@licensing>"),
            CreatedAt = clock.GetUtcNow(),
        }, ct);
        return $"provisioned {license.Id}";
    }

    /// <summary>productId/plan metadata, else a plan whose Stripe price ids include one of the session's prices.</summary>
    private async Task<(Product Product, Plan Plan)> TermsAsync(string accountId, JsonElement session, string sessionId, CancellationToken ct)
    {
        var productId = Str(session, "metadata", "productId");
        var planId = Str(session, "metadata", "plan");
        if (productId is not null && planId is not null)
        {
            var product = await products.GetAsync(accountId, productId, ct) ?? throw new StripePermanentException($"metadata.productId '{productId}' is not a product of this account");
            return (product, product.FindPlan(planId) ?? throw new StripePermanentException($"product '{productId}' has no plan '{planId}'"));
        }
        var prices = Items(session, "line_items", "data") is { } lines
            ? lines.Select(l => Str(l, "price", "id")).OfType<string>().ToList()
            : await FetchLineItemPricesAsync(accountId, sessionId, ct);
        foreach (var product in await products.ListAsync(accountId, ct))
            foreach (var plan in product.Plans)
                if (plan.StripePriceIds.Any(prices.Contains)) return (product, plan);
        throw new StripePermanentException($"checkout session {sessionId} has no metadata.productId/plan and none of its prices ({string.Join(", ", prices)}) is configured on a plan");
    }

    /// <summary>Line items are not in the event; with the account's restricted API key they are read from Stripe.</summary>
    private async Task<List<string>> FetchLineItemPricesAsync(string accountId, string sessionId, CancellationToken ct)
    {
        var apiKey = await secrets.GetAsync(StripeSecrets.ApiKeyName(accountId), ct);
        if (apiKey is null) return [];
        var client = new StripeClient(apiKey, apiBase: options.Value.StripeApiBase);
        try
        {
            var items = await new Stripe.Checkout.SessionLineItemService(client).ListAsync(sessionId, new Stripe.Checkout.SessionLineItemListOptions { Limit = 100 }, cancellationToken: ct);
            return items.Data.Select(i => i.Price?.Id).OfType<string>().ToList();
        }
        catch (StripeException e) when (e.HttpStatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden or System.Net.HttpStatusCode.NotFound)
        {
            throw new StripePermanentException($"reading line items of {sessionId} with the configured API key failed: {e.Message}");
        }
    }

    private async Task<string> InvoicePaidAsync(StripeEventRecord e, JsonElement invoice, CancellationToken ct)
    {
        var licenseId = await LicenseForSubscriptionAsync(e, SubscriptionOfInvoice(invoice), ct);
        if (licenseId is null) return "ignored: not a subscription invoice";
        var periodEnd = PeriodEnd(invoice);
        var updated = await licenses.ApplyAsync(e.AccountId, licenseId, (l, _) =>
        {
            if (l.Status == LicenseStatus.Revoked) return null;
            if (l.BillingState == "canceled" && l.BillingUpdatedAt >= e.Created) return null; // an older renewal after cancellation
            // A newer invoice sets the paid period exactly (Stripe's period wins over the plan's default duration);
            // an older one delivered late can only extend.
            var newer = l.BillingUpdatedAt is null || e.Created >= l.BillingUpdatedAt;
            var expires = periodEnd is { } end && (newer || l.ExpiresAt is null || end > l.ExpiresAt) ? end : l.ExpiresAt;
            return l with
            {
                ExpiresAt = expires,
                Status = l.Status == LicenseStatus.Expired ? LicenseStatus.Active : l.Status,
                BillingState = l.BillingState == "past_due" ? null : l.BillingState,
                BillingUpdatedAt = Max(l.BillingUpdatedAt, e.Created),
            };
        }, ct);
        await LinkPaymentsAsync(e.AccountId, invoice, licenseId, ct);
        if (Str(invoice, "billing_reason") != "subscription_create") // the first invoice is the purchase, not a renewal
            await metrics.AddAsync(e.AccountId, updated.ProductId, Licensing.Domain.Metrics.MetricDays.Of(e.Created), new Licensing.Domain.Metrics.MetricsDelta(Renewals: 1), ct);
        return $"renewed {licenseId} to {updated.ExpiresAt:O}";
    }

    private async Task<string> PaymentFailedAsync(StripeEventRecord e, JsonElement invoice, CancellationToken ct)
    {
        var licenseId = await LicenseForSubscriptionAsync(e, SubscriptionOfInvoice(invoice), ct);
        if (licenseId is null) return "ignored: not a subscription invoice";
        await licenses.ApplyAsync(e.AccountId, licenseId, (l, _) =>
        {
            if (l.BillingUpdatedAt > e.Created || l.Status == LicenseStatus.Revoked) return null;
            var graceEnd = e.Created + PastDueGrace;
            return l with { BillingState = "past_due", ExpiresAt = l.ExpiresAt is { } x && x > graceEnd ? x : graceEnd, BillingUpdatedAt = e.Created };
        }, ct);
        return $"past due: {licenseId} valid until the end of a {PastDueGrace.TotalDays}-day grace";
    }

    private async Task<string> SubscriptionUpdatedAsync(StripeEventRecord e, JsonElement subscription, CancellationToken ct)
    {
        var licenseId = await LicenseForSubscriptionAsync(e, Str(subscription, "id"), ct);
        if (licenseId is null) return "ignored: no subscription id";
        var current = await licenses.GetAsync(e.AccountId, licenseId, ct);
        var product = await products.GetAsync(e.AccountId, current.ProductId, ct);
        var priceIds = (Items(subscription, "items", "data") ?? []).Select(i => Str(i, "price", "id")).OfType<string>().ToList();
        var newPlan = product?.Plans.FirstOrDefault(p => p.StripePriceIds.Any(priceIds.Contains));
        var periodEnd = CurrentPeriodEnd(subscription);
        var status = Str(subscription, "status");
        var cancelAtEnd = At(subscription, ["cancel_at_period_end"]) is { ValueKind: JsonValueKind.True };
        var updated = await licenses.ApplyAsync(e.AccountId, licenseId, (l, _) =>
        {
            if (l.BillingUpdatedAt > e.Created || l.Status == LicenseStatus.Revoked) return null; // older than what we applied
            var next = l with
            {
                BillingUpdatedAt = e.Created,
                BillingState = cancelAtEnd ? "canceling" : status is "past_due" or "unpaid" ? "past_due" : l.BillingState is "canceling" or "past_due" ? null : l.BillingState,
                ExpiresAt = periodEnd is { } end && (cancelAtEnd || l.ExpiresAt is null || end > l.ExpiresAt) ? end : l.ExpiresAt,
            };
            if (newPlan is not null && newPlan.Id != l.Plan)
                next = next with { Plan = newPlan.Id, Model = newPlan.Model, Features = newPlan.Features, MaxActivations = newPlan.MaxActivations };
            return next;
        }, ct);
        return $"updated {licenseId}: plan {updated.Plan}, billing {updated.BillingState ?? "ok"}, expires {updated.ExpiresAt:O}";
    }

    private async Task<string> SubscriptionDeletedAsync(StripeEventRecord e, JsonElement subscription, CancellationToken ct)
    {
        var licenseId = await LicenseForSubscriptionAsync(e, Str(subscription, "id"), ct);
        if (licenseId is null) return "ignored: no subscription id";
        var endedAt = Long(subscription, "ended_at") is { } ended ? DateTimeOffset.FromUnixTimeSeconds(ended) : e.Created;
        await licenses.ApplyAsync(e.AccountId, licenseId, (l, _) => l.Status == LicenseStatus.Revoked ? null : l with
        {
            Status = LicenseStatus.Expired,
            ExpiresAt = l.ExpiresAt is { } x && x < endedAt ? x : endedAt,
            BillingState = "canceled",
            BillingUpdatedAt = Max(l.BillingUpdatedAt, e.Created),
        }, ct);
        var endedLicense = await licenses.GetAsync(e.AccountId, licenseId, ct);
        await metrics.AddAsync(e.AccountId, endedLicense.ProductId, Licensing.Domain.Metrics.MetricDays.Of(e.Created), new Licensing.Domain.Metrics.MetricsDelta(Expirations: 1), ct);
        return $"ended {licenseId}";
    }

    private async Task<string> RefundedAsync(StripeEventRecord e, JsonElement charge, CancellationToken ct)
    {
        var full = At(charge, ["refunded"]) is { ValueKind: JsonValueKind.True }
                   || (Long(charge, "amount_refunded") is { } refunded && Long(charge, "amount") is { } amount && refunded >= amount);
        if (!full) return "partial refund: license unchanged";
        var licenseId = await LicenseForPaymentAsync(e.AccountId, charge, ct);
        if (licenseId is null) return "ignored: no license linked to this payment";
        await licenses.ApplyAsync(e.AccountId, licenseId, (l, _) => l.Status == LicenseStatus.Revoked ? null : l with { Status = LicenseStatus.Revoked, StatusReason = "refund" }, ct);
        return $"revoked {licenseId} (full refund)";
    }

    private async Task<string> DisputedAsync(StripeEventRecord e, JsonElement dispute, CancellationToken ct)
    {
        var licenseId = await LicenseForPaymentAsync(e.AccountId, dispute, ct);
        if (licenseId is null) return "ignored: no license linked to this payment";
        await licenses.ApplyAsync(e.AccountId, licenseId, (l, _) => l.Status is LicenseStatus.Revoked or LicenseStatus.Suspended ? null
            : l with { Status = LicenseStatus.Suspended, StatusReason = "dispute" }, ct);
        return $"suspended {licenseId} (dispute)";
    }

    private async Task<string?> LicenseForSubscriptionAsync(StripeEventRecord e, string? subscriptionId, CancellationToken ct)
    {
        if (subscriptionId is null) return null;
        // The checkout that creates the license may not have been processed yet: retry rather than drop.
        return await links.FindAsync(e.AccountId, subscriptionId, ct)
            ?? throw new StripeRetryException($"no license for subscription {subscriptionId} yet (its checkout may still be on its way)");
    }

    private async Task<string?> LicenseForPaymentAsync(string accountId, JsonElement obj, CancellationToken ct)
    {
        if (IdOf(obj, "payment_intent") is { } pi && await links.FindAsync(accountId, pi, ct) is { } byIntent) return byIntent;
        return IdOf(obj, "charge") is { } ch ? await links.FindAsync(accountId, ch, ct) : null;
    }

    private async Task LinkPaymentsAsync(string accountId, JsonElement invoice, string licenseId, CancellationToken ct)
    {
        if (IdOf(invoice, "payment_intent") is { } pi) await links.LinkAsync(accountId, pi, licenseId, ct);
        if (IdOf(invoice, "charge") is { } ch) await links.LinkAsync(accountId, ch, licenseId, ct);
        foreach (var payment in Items(invoice, "payments", "data") ?? [])
            if (Str(payment, "payment", "payment_intent") is { } intent) await links.LinkAsync(accountId, intent, licenseId, ct);
    }

    /// <summary>Current API versions: invoice.parent.subscription_details.subscription; older: invoice.subscription.</summary>
    private static string? SubscriptionOfInvoice(JsonElement invoice) =>
        Str(invoice, "parent", "subscription_details", "subscription") ?? IdOf(invoice, "subscription");

    /// <summary>The end of the period the invoice pays for: the latest period end among its lines.</summary>
    private static DateTimeOffset? PeriodEnd(JsonElement invoice)
    {
        long? end = null;
        foreach (var line in Items(invoice, "lines", "data") ?? [])
            if (Long(line, "period", "end") is { } e && (end is null || e > end)) end = e;
        return end is { } v ? DateTimeOffset.FromUnixTimeSeconds(v) : null;
    }

    /// <summary>Current API versions keep the period on subscription items; older ones on the subscription.</summary>
    private static DateTimeOffset? CurrentPeriodEnd(JsonElement subscription)
    {
        long? end = Long(subscription, "current_period_end");
        foreach (var item in Items(subscription, "items", "data") ?? [])
            if (Long(item, "current_period_end") is { } e && (end is null || e > end)) end = e;
        return end is { } v ? DateTimeOffset.FromUnixTimeSeconds(v) : null;
    }

    private static DateTimeOffset Max(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x > b ? x : b;

    /// <summary>A string at a path, or null when any step is missing or not of that kind.</summary>
    private static string? Str(JsonElement e, params string[] path) =>
        At(e, path) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;

    private static long? Long(JsonElement e, params string[] path) =>
        At(e, path) is { ValueKind: JsonValueKind.Number } v && v.TryGetInt64(out var n) ? n : null;

    /// <summary>The elements of an array at a path (a Stripe list's data), or null when absent or null.</summary>
    private static JsonElement[]? Items(JsonElement e, params string[] path) =>
        At(e, path) is { ValueKind: JsonValueKind.Array } a ? [.. a.EnumerateArray()] : null;

    /// <summary>An expandable field: the id string, or the expanded object's id.</summary>
    private static string? IdOf(JsonElement e, string field) =>
        At(e, [field]) switch
        {
            { ValueKind: JsonValueKind.String } s => s.GetString(),
            { ValueKind: JsonValueKind.Object } o => Str(o, "id"),
            _ => null,
        };

    private static JsonElement? At(JsonElement e, string[] path)
    {
        foreach (var step in path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(step, out e)) return null;
        }
        return e;
    }
}
