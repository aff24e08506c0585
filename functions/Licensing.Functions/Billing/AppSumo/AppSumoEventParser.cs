using Licensing.Domain.Billing;
using Licensing.Domain.Billing.AppSumo;

namespace Licensing.Functions.Billing.AppSumo;

/// <summary>AppSumo's stored events → typed billing events (<see cref="AppSumoPayload.ToBillingEvent"/>); no API call is needed.</summary>
public sealed class AppSumoEventParser : IBillingEventParser
{
    public BillingProvider Provider => BillingProvider.AppSumo;

    public IReadOnlySet<string> HandledTypes => AppSumoPayload.Events;

    public Task<BillingEvent> ParseAsync(ProviderEvent stored, CancellationToken ct) =>
        Task.FromResult(AppSumoPayload.Parse(stored.Body).ToBillingEvent());
}
