using System.Collections.Concurrent;
using Licensing.Domain.Email;

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

    /// <summary>The outbox every test host uses: the real one, crashing on demand when an e-mail is recorded.</summary>
    public sealed class Outbox(IEmailOutbox inner) : IEmailOutbox
    {
        public Task<bool> AddAsync(OutboxEmail email, CancellationToken ct) =>
            TakeCrash(email.Message.To) ? throw new IOException("simulated crash after the license was written") : inner.AddAsync(email, ct);

        public Task<OutboxEmail?> GetAsync(string accountId, string id, CancellationToken ct) => inner.GetAsync(accountId, id, ct);

        public Task<OutboxEmail> ReplaceAsync(OutboxEmail email, CancellationToken ct) => inner.ReplaceAsync(email, ct);
    }
}
