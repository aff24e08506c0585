namespace Licensing.Domain.Trials;

/// <summary>
/// One trial's two claims: its product and e-mail (<see cref="EmailKey"/>), its product and site or device
/// (<see cref="DeviceKey"/>), both naming the trial's license and when they were claimed.
/// </summary>
public sealed record TrialClaim(string AccountId, string ProductId, string EmailKey, string DeviceKey, string LicenseId, DateTimeOffset ClaimedAt);

/// <summary>A stored claim: the license it names, when it was claimed, and its version (ETag).</summary>
public sealed record StoredTrialClaim(string LicenseId, DateTimeOffset ClaimedAt, string Version);

public enum TrialClaimOutcome { Added, Taken, DayFull }

/// <summary>The one-trial claims and each account's daily count of trials, in one partition per account.</summary>
public interface ITrialClaims
{
    /// <summary>
    /// Adds both claims and counts the trial in its account's UTC day, atomically: <see cref="TrialClaimOutcome.Added"/>;
    /// <see cref="TrialClaimOutcome.Taken"/> (nothing written) when either claim exists; <see cref="TrialClaimOutcome.DayFull"/>
    /// (nothing written) when the day already counts <paramref name="maxPerDay"/>.
    /// </summary>
    Task<TrialClaimOutcome> AddAsync(TrialClaim claim, int maxPerDay, CancellationToken ct);

    /// <summary>The stored claims on <paramref name="claim"/>'s e-mail and on its site or device (null where there is none).</summary>
    Task<(StoredTrialClaim? Email, StoredTrialClaim? Device)> GetAsync(TrialClaim claim, CancellationToken ct);

    /// <summary>Takes the e-mail claim over for a resumed request, if unchanged since read (else <see cref="Common.ConcurrencyException"/>).</summary>
    Task ReplaceAsync(TrialClaim claim, StoredTrialClaim stored, CancellationToken ct);
}
