using Licensing.Domain.Audit;
using Licensing.Domain.Webhooks;
using Licensing.Functions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Licensing.Functions.Webhooks;

public static class WebhooksRegistration
{
    /// <summary>
    /// Outbound webhooks: the endpoint and delivery stores, the delivery queue, the guarded HTTP sender, the services and
    /// the change consumer that turns recorded changes into deliveries. Secrets go to the app's secret store.
    /// </summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<LicensingOptions>>().Value.Webhooks;
            return new WebhookPolicy(o.AllowLoopback, TimeSpan.FromSeconds(o.QueueDelayCapSeconds));
        });
        services.AddSingleton<IWebhookEndpointStore, WebhookEndpointTableStore>();
        services.AddSingleton<IWebhookDeliveryStore, WebhookDeliveryTableStore>();
        services.AddSingleton(sp => new CustomerDataErasure("webhookdeliveries",
            ActivatorUtilities.CreateInstance<WebhookDeliveryTableStore>(sp).EraseAsync));
        services.AddSingleton<IWebhookQueue, WebhookQueue>();
        services.AddSingleton<IWebhookSender>(sp => new WebhookHttpSender(sp.GetRequiredService<WebhookPolicy>().AllowLoopback));
        services.AddSingleton<WebhookDisabling>();
        services.AddSingleton<WebhookService>();
        services.AddSingleton<WebhookDeliveryService>();
        services.AddSingleton<IChangeConsumer, WebhookChangeConsumer>();
        return services;
    }
}
