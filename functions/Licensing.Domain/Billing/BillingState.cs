namespace Licensing.Domain.Billing;

/// <summary>
/// Where a license's billing stands, as the payment provider last told us. <see cref="None"/>: in good standing or
/// not billed by a provider at all.
/// </summary>
public enum BillingState
{
    None,

    /// <summary>A payment failed; the license stays valid for a grace period.</summary>
    PastDue,

    /// <summary>Canceled at period end: the license ends when the paid period does.</summary>
    Canceling,

    /// <summary>The subscription ended.</summary>
    Canceled,
}

/// <summary>
/// The stored and wire names of <see cref="BillingState"/> (<c>null</c>, <c>past_due</c>, <c>canceling</c>,
/// <c>canceled</c>): licenses stored before the enum existed read the same.
/// </summary>
public static class BillingStates
{
    public static string? ToStored(this BillingState state) => state switch
    {
        BillingState.PastDue => "past_due",
        BillingState.Canceling => "canceling",
        BillingState.Canceled => "canceled",
        _ => null,
    };

    public static BillingState Parse(string? stored) => stored switch
    {
        "past_due" => BillingState.PastDue,
        "canceling" => BillingState.Canceling,
        "canceled" => BillingState.Canceled,
        _ => BillingState.None,
    };
}
