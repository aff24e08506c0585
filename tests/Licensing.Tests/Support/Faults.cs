using System.Collections.Concurrent;
using Licensing.Domain.Audit;
using Licensing.Domain.Email;
using Licensing.Domain.Licenses;
using Licensing.Functions.Licenses;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Licensing.Tests.Support;

/// <summary>
/// Fault injection shared by every test host in the process (they share Azurite's queues, so any host may run a
/// given message). Keyed by recipient so a fault touches only the test that asked for it.
/// </summary>
public static class Faults
{
    private static readonly ConcurrentDictionary<string, int> OutboxCrashes = new(StringComparer.OrdinalIgnoreCase);
    private static readonly ConcurrentDictionary<string, bool> CrashedFor = new(StringComparer.OrdinalIgnoreCase);

    public static void CrashOutboxOnce(string recipient) => OutboxCrashes[recipient] = 1;

    public static bool Crashed(string recipient) => CrashedFor.ContainsKey(recipient);

    internal static bool TakeCrash(string recipient)
    {
        while (OutboxCrashes.TryGetValue(recipient, out var left) && left > 0)
            if (OutboxCrashes.TryUpdate(recipient, left - 1, left))
            {
                CrashedFor[recipient] = true;
                return true;
            }
        return false;
    }

    public enum LicenseCrash { BeforeWrite, AfterWrite }

    private static readonly ConcurrentDictionary<string, LicenseCrash> LicenseCrashes = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The next license written for <paramref name="customerEmail"/> crashes the issuance just before or just after its write.</summary>
    public static void CrashLicenseWriteOnce(string customerEmail, LicenseCrash when) => LicenseCrashes[customerEmail] = when;

    /// <summary>For a test host's <c>services</c> hook: the license store crashing on demand (<see cref="CrashLicenseWriteOnce"/>).</summary>
    public static void UseLicenseFaults(IServiceCollection services)
    {
        services.AddSingleton<LicenseTableStore>();
        services.Replace(ServiceDescriptor.Singleton<ILicenseStore>(sp => new Licenses(sp.GetRequiredService<LicenseTableStore>())));
        services.Replace(ServiceDescriptor.Singleton<ILicenseScan>(sp => sp.GetRequiredService<LicenseTableStore>()));
    }

    public sealed class Licenses(ILicenseStore inner) : ILicenseStore
    {
        public Task<License?> GetAsync(string accountId, string licenseId, CancellationToken ct) => inner.GetAsync(accountId, licenseId, ct);

        public Task<IReadOnlyList<Activation>> ListActivationsAsync(License license, CancellationToken ct) => inner.ListActivationsAsync(license, ct);

        public Task<Activation?> GetActivationAsync(License license, string activationId, CancellationToken ct) =>
            inner.GetActivationAsync(license, activationId, ct);

        public async Task AddAsync(License license, IReadOnlyList<Activation> activations, IReadOnlyList<ChangeRecord> journal, CancellationToken ct)
        {
            var crash = LicenseCrashes.TryRemove(license.CustomerEmail, out var when) ? when : (LicenseCrash?)null;
            if (crash == LicenseCrash.BeforeWrite) throw new InvalidOperationException("simulated crash before the license was written");
            await inner.AddAsync(license, activations, journal, ct);
            if (crash == LicenseCrash.AfterWrite) throw new InvalidOperationException("simulated crash after the license was written");
        }

        public Task<License> ReplaceAsync(License license, ActivationChanges changes, IReadOnlyList<ChangeRecord> journal, CancellationToken ct) =>
            inner.ReplaceAsync(license, changes, journal, ct);

        public Task DeleteAsync(License license, ChangeRecord journal, CancellationToken ct) => inner.DeleteAsync(license, journal, ct);

        public Task<LicensePage> ListAsync(string accountId, LicenseQuery query, DateTimeOffset now, CancellationToken ct) =>
            inner.ListAsync(accountId, query, now, ct);
    }

    /// <summary>The outbox every test host uses: the real one, crashing on demand when an e-mail is recorded.</summary>
    public sealed class Outbox(IEmailOutbox inner) : IEmailOutbox
    {
        public Task<bool> AddAsync(OutboxEmail email, CancellationToken ct) =>
            TakeCrash(email.Message.To) ? throw new IOException("simulated crash after the license was written") : inner.AddAsync(email, ct);

        public Task<OutboxEmail?> GetAsync(string accountId, string id, CancellationToken ct) => inner.GetAsync(accountId, id, ct);

        public Task<OutboxEmail> ReplaceAsync(OutboxEmail email, CancellationToken ct) => inner.ReplaceAsync(email, ct);
    }
}
