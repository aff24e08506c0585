using Licensing.Domain.Email;
using Licensing.Domain.KeyAliases;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;

namespace Licensing.Functions.Billing.AppSumo;

/// <summary>
/// The license e-mail of an AppSumo license, with the AppSumo key (the one the customer has and pastes), sent once an
/// address is known. The outbox id is per license and key, so each key is e-mailed once however often it is asked.
/// </summary>
public sealed class AppSumoKeyEmail(EmailOutboxService outbox, TimeProvider clock)
{
    public Task QueueAsync(License license, Product? product, string appSumoKey, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(license.CustomerEmail)) return Task.CompletedTask;
        var id = $"appsumo-{license.Id}-{KeyAlias.Hash(appSumoKey)[..16]}";
        return outbox.QueueAsync(new OutboxEmail
        {
            AccountId = license.AccountId,
            Id = id,
            Message = LicenseEmail.Compose(license with { Key = appSumoKey, ShortKey = null }, product, $"<{id}@licensing>"),
            CreatedAt = clock.GetUtcNow(),
        }, ct);
    }
}
