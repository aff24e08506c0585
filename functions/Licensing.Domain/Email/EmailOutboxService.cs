using Licensing.Domain.Common;
using Licensing.Domain.Telemetry;

namespace Licensing.Domain.Email;

/// <summary>
/// The outbox: issuing a license only records an e-mail and queues its id; delivery happens here, with a claim
/// (so two deliveries of the same queue message send once), retries with exponential backoff, and a final
/// "failed" state after <see cref="MaxAttempts"/>. A crash after sending but before recording it can repeat one
/// e-mail; nothing is ever lost.
/// </summary>
public sealed class EmailOutboxService(IEmailOutbox outbox, IEmailQueue queue, IEmailSender sender, TimeProvider clock)
{
    public const int MaxAttempts = 8;
    public static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(2);

    public static TimeSpan Backoff(int attempt) => TimeSpan.FromSeconds(Math.Min(3600, 15 * Math.Pow(2, Math.Max(0, attempt - 1))));

    /// <summary>Records the e-mail (once per id) and queues it. Queuing again is harmless: delivery is idempotent.</summary>
    public async Task QueueAsync(OutboxEmail email, CancellationToken ct)
    {
        await outbox.AddAsync(email, ct).ConfigureAwait(false);
        await queue.EnqueueAsync(email.AccountId, email.Id, TimeSpan.Zero, ct).ConfigureAwait(false);
    }

    /// <summary>Delivers one outbox e-mail; returns what happened (for logs and tests).</summary>
    public Task<string> DeliverAsync(string accountId, string id, CancellationToken ct) =>
        Concurrency.RetryAsync(async token =>
        {
            var now = clock.GetUtcNow();
            var email = await outbox.GetAsync(accountId, id, token).ConfigureAwait(false);
            switch (email)
            {
                case null: return "missing";
                case { State: OutboxEmail.Sent }: return "already sent";
                case { State: OutboxEmail.Failed }: return "gave up";
                case { State: OutboxEmail.Sending, ClaimedUntil: { } until } when until > now:
                    await queue.EnqueueAsync(accountId, id, until - now, token).ConfigureAwait(false);
                    return "claimed by another delivery";
            }
            var claimed = await outbox.ReplaceAsync(
                email with { State = OutboxEmail.Sending, ClaimedUntil = now + ClaimLease, Attempts = email.Attempts + 1 }, token).ConfigureAwait(false);
            try
            {
                await sender.SendAsync(claimed.Message, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // Shutting down mid-send: give the claim back so the next delivery need not wait out the lease.
                try
                {
                    await outbox.ReplaceAsync(claimed with { State = OutboxEmail.Pending, ClaimedUntil = null }, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception) { /* the lease expires on its own */ }
                throw;
            }
            catch (Exception e)
            {
                var giveUp = claimed.Attempts >= MaxAttempts;
                var error = Audit.PersonalData.ScrubAddresses(e.Message);
                var next = claimed with { State = giveUp ? OutboxEmail.Failed : OutboxEmail.Pending, ClaimedUntil = null, LastError = error };
                await outbox.ReplaceAsync(next, token).ConfigureAwait(false);
                LicensingMetrics.EmailDelivery(giveUp ? "failed" : "retry");
                if (giveUp) return "gave up: " + error;
                await queue.EnqueueAsync(accountId, id, Backoff(claimed.Attempts), token).ConfigureAwait(false);
                return $"attempt {claimed.Attempts} failed, retrying in {Backoff(claimed.Attempts)}: {error}";
            }
            await outbox.ReplaceAsync(
                claimed with { State = OutboxEmail.Sent, SentAt = clock.GetUtcNow(), ClaimedUntil = null, LastError = null }, token).ConfigureAwait(false);
            LicensingMetrics.EmailDelivery("sent");
            return "sent";
        }, ct);
}
