using Licensing.Domain.Licenses;

namespace Licensing.Domain.Audit;

/// <summary>
/// The one way a license change is written: its change records decided from before and after
/// (<see cref="LicenseChanges"/>), journaled in the same atomic write as the change, then announced to the fan-out.
/// </summary>
public static class JournaledWrite
{
    public static async Task<License> ReplaceAsync(ILicenseStore store, IChangeNotifier? notifier, License current, License next,
        ActivationChanges activations, Actor actor, DateTimeOffset now, CancellationToken ct)
    {
        var journal = LicenseChanges.Between(current, next, activations, actor, now);
        var saved = await store.ReplaceAsync(next, activations, journal, ct).ConfigureAwait(false);
        if (notifier is not null && journal.Count > 0) await notifier.NotifyAsync(journal, ct).ConfigureAwait(false);
        return saved;
    }
}
