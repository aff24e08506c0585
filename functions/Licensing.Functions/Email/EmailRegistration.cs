using Azure.Core;
using Licensing.Domain.Email;
using Licensing.Functions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Licensing.Functions.Email;

public static class EmailRegistration
{
    /// <summary>
    /// The e-mail outbox, its queue and the sender: Azure Communication Services when <see cref="EmailOptions.AcsEndpoint"/>
    /// is set (access key, else the app's credential), SMTP otherwise (docs/email.md).
    /// </summary>
    public static IServiceCollection AddEmail(this IServiceCollection services)
    {
        services.AddSingleton<Storage.TextSealer>();
        services.AddSingleton<IEmailOutbox, EmailOutboxTableStore>();
        // Stateless, so a second instance for erasure costs nothing (tests wrap the IEmailOutbox registration's type).
        services.AddSingleton<IOutboxErasure, EmailOutboxTableStore>();
        services.AddSingleton<IEmailQueue, EmailQueue>();
        services.AddSingleton<IEmailSender>(sp => sp.GetRequiredService<IOptions<LicensingOptions>>() is var options
            && string.IsNullOrWhiteSpace(options.Value.Email.AcsEndpoint)
            ? new SmtpEmailSender(options)
            : new AcsEmailSender(new Uri(options.Value.Email.AcsEndpoint), options.Value.Email.From,
                string.IsNullOrEmpty(options.Value.Email.AcsAccessKey) ? sp.GetRequiredService<TokenCredential>() : null, options.Value.Email.AcsAccessKey));
        services.AddSingleton<EmailOutboxService>();
        return services;
    }
}
