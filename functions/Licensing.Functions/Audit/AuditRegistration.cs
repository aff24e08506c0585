using Licensing.Domain.Audit;
using Licensing.Functions.Licenses;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Functions.Audit;

public static class AuditRegistration
{
    /// <summary>
    /// The change journal's fan-out (queue, dispatcher, sweep) and the audit log, the first <see cref="IChangeConsumer"/>.
    /// Other capabilities add their consumers with <c>services.AddSingleton&lt;IChangeConsumer, X&gt;()</c>.
    /// </summary>
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddSingleton<IChangeJournal, ChangeJournalTableStore>();
        services.AddSingleton<IChangeNotifier, ChangeQueue>();
        services.AddSingleton<ChangeDispatcher>();
        services.AddSingleton<AuditTableStore>();
        services.AddSingleton<IAuditStore>(sp => sp.GetRequiredService<AuditTableStore>());
        services.AddSingleton<IAuditLog>(sp => sp.GetRequiredService<AuditTableStore>());
        services.AddSingleton<IChangeConsumer, AuditLogConsumer>();
        services.AddSingleton<PersonalDataEraser>();
        services.AddSingleton<AccountAudit>();
        // Registered before the activity capability's consumers, so the record precedes an auto-suspension's.
        services.AddSingleton<Licensing.Domain.Activity.IActivityBatchConsumer, SharingSuspectedRecords>();
        return services;
    }
}
