using System.Text.Json.Nodes;
using Licensing.Domain.Audit;
using Licensing.Domain.Licenses;
using Licensing.Domain.Webhooks;

namespace Licensing.Functions.Webhooks;

/// <summary>
/// Turns recorded changes into webhooks: a change whose action is an event type becomes one delivery per endpoint
/// subscribed to it, keyed by the change id (a change handed over twice, or after a crash, makes no second message).
/// <c>data.license</c> is the license as it is when the change is handed over (normally moments after it happened).
/// </summary>
public sealed class WebhookChangeConsumer(WebhookService webhooks, ILicenseStore licenses, TimeProvider clock) : IChangeConsumer
{
    public async Task ConsumeAsync(ChangeRecord change, CancellationToken ct)
    {
        if (WebhookEvents.ForAction(change.Action) is not { } type) return;
        var to = await webhooks.SubscribersAsync(change.AccountId, type, ct);
        if (to.Count == 0) return;
        var data = await DataAsync(change, type, ct);
        await webhooks.PublishAsync(to, change.Id, type, change.At, WebhookPayloads.BuildBounded(type, change.At, data), ct);
    }

    private async Task<JsonObject> DataAsync(ChangeRecord change, string type, CancellationToken ct)
    {
        var data = new JsonObject();
        var licenseId = change.LicenseId ?? (change.Target.Type == LicenseChanges.LicenseTarget ? change.Target.Id : null);
        IReadOnlyList<Activation> activations = [];
        if (licenseId is not null)
        {
            var license = type == LicenseChanges.Deleted ? null : await licenses.GetAsync(change.AccountId, licenseId, ct);
            if (license is null)
                data["license"] = new JsonObject { ["licenseId"] = licenseId };
            else
            {
                activations = await licenses.ListActivationsAsync(license, ct);
                data["license"] = WebhookPayloads.License(license, activations, clock.GetUtcNow());
            }
        }
        if (change.Target.Type == LicenseChanges.ActivationTarget)
        {
            var activation = activations.FirstOrDefault(a => a.Id == change.Target.Id);
            data["activation"] = activation is null
                ? new JsonObject { ["id"] = change.Target.Id }
                : new JsonObject
                {
                    ["id"] = activation.Id,
                    ["domain"] = activation.Domain,
                    ["fingerprint"] = activation.Fingerprint,
                    ["name"] = activation.Name,
                    ["createdAt"] = System.Text.Json.JsonSerializer.SerializeToNode(activation.CreatedAt, Http.Json.Options),
                };
        }
        if (change.Changes is { Count: > 0 } changes)
        {
            var fields = new JsonObject();
            foreach (var (field, c) in changes) fields[field] = new JsonObject { ["from"] = c.From?.DeepClone(), ["to"] = c.To?.DeepClone() };
            data["changes"] = fields;
        }
        return data;
    }
}
