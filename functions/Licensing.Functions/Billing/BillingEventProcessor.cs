using System.Text.Json;
using Licensing.Domain.Billing;
using Licensing.Domain.Common;
using Licensing.Domain.Telemetry;

namespace Licensing.Functions.Billing;

/// <summary>
/// Processes one stored provider event, whichever the provider: load the inbox record, parse it with the
/// provider's <see cref="IBillingEventParser"/> (<see cref="BillingParsers"/>), apply the typed event
/// (<see cref="BillingEventApplier"/>), mark it processed. Idempotent by event id (a processed record is skipped) and by
/// business key (see the applier). Failures no retry can fix are recorded at once; others are retried by the queue
/// and recorded on the last attempt, before the host moves the message to the poison queue.
/// </summary>
public sealed class BillingEventProcessor(IBillingInbox inbox, IBillingFailures failures, BillingParsers parsers, BillingEventApplier applier,
    TimeProvider clock)
{
    public async Task<string> ProcessAsync(BillingEventMessage message, long dequeueCount, int maxDequeueCount, CancellationToken ct)
    {
        var record = await inbox.GetAsync(message.AccountId, message.Event, ct);
        if (record is null) return "not in the inbox";
        if (record.ProcessedAt is not null)
        {
            Count(record, "duplicate");
            return "already processed: " + record.Outcome;
        }
        string outcome;
        try
        {
            var billingEvent = await parsers.For(record.Provider).ParseAsync(record.ToProviderEvent(), ct);
            outcome = await applier.ApplyAsync(record.AccountId, billingEvent, ct);
        }
        catch (Exception e) when (e is BillingPermanentException or ValidationFailedException or KeyNotFoundException or JsonException)
        {
            var reason = e is ValidationFailedException v ? "invalid license terms: "
                + string.Join("; ", v.Errors.Select(x => $"{x.Key}: {string.Join(", ", x.Value)}")) : e.Message;
            await failures.UpsertAsync(new BillingFailure(record.AccountId, record.Key, record.Type, reason, dequeueCount, clock.GetUtcNow()), ct);
            await inbox.MarkProcessedAsync(record, "failed: " + reason, clock.GetUtcNow(), ct);
            Count(record, "failed");
            return "failed: " + reason;
        }
        catch (Exception e) when (dequeueCount >= maxDequeueCount && e is not OperationCanceledException)
        {
            // Last attempt: say why before the host moves the message to the poison queue.
            await failures.UpsertAsync(new BillingFailure(record.AccountId, record.Key, record.Type, e.Message, dequeueCount, clock.GetUtcNow()), ct);
            Count(record, "poisoned");
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Count(record, "retried");
            throw;
        }
        await inbox.MarkProcessedAsync(record, outcome, clock.GetUtcNow(), ct);
        Count(record, "processed");
        return outcome;
    }

    private static void Count(BillingEventRecord record, string outcome) => LicensingMetrics.ProviderEvent(record.Provider.ToWire(), record.Type, outcome);
}
