using System.Security.Cryptography;
using Licensing.Domain.Accounts;
using Licensing.Domain.Billing;
using Licensing.Domain.Products;
using Microsoft.AspNetCore.Mvc;

namespace Licensing.Functions.Billing.Simulation;

/// <summary>
/// A test-mode purchase to simulate: the product and plan, the provider's item id the plan is mapped by (null for a
/// provider whose simulated event names the product and plan itself), the customer and the optional site.
/// </summary>
public sealed record SimulatedPurchase(Product Product, Plan Plan, string? ItemId, string Email, string? Domain, DateTimeOffset Now);

/// <summary>The inbound's answer to the simulated delivery (the last one, where the provider sends several), and what was sent.</summary>
public sealed record SimulatedDelivery(IActionResult Answer, string EventId, string Type);

/// <summary>
/// One provider's simulated purchase: builds the events as the provider sends them, marked test the way that provider
/// marks test events, authenticates them as the provider would (its signature with the account's own secret) and hands
/// them to the provider's inbound, the same verification and inbox as its webhook.
/// </summary>
public interface IPurchaseSimulator
{
    BillingProvider Provider { get; }

    /// <summary>Whether the simulated event carries the plan's item id (mapped as a real purchase is) rather than naming the plan.</summary>
    bool MapsByItemId { get; }

    /// <summary>Throws 404 when the provider is not connected, or 409 when a simulated purchase could not be marked test.</summary>
    Task RequireReadyAsync(string accountId, CancellationToken ct);

    Task<SimulatedDelivery> SendAsync(Credential caller, SimulatedPurchase purchase, CancellationToken ct);
}

/// <summary>Random ids for simulated objects.</summary>
public static class SimulatedIds
{
    public static string Hex(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    /// <summary>A numeric id, as Lemon Squeezy and Gumroad number their objects.</summary>
    public static long Number() => RandomNumberGenerator.GetInt32(100_000_000, int.MaxValue);
}
