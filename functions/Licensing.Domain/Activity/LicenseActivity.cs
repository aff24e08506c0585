namespace Licensing.Domain.Activity;

/// <summary>
/// What validations of one license looked like: first and last validation (time to first validation, active
/// licenses), counts, and the distinct domains, development hosts and client addresses seen in the current 24-hour
/// window (the sharing signal). Client addresses are kept only as short hashes. <see cref="Daily"/> holds the validations
/// per UTC day of the last 30 days (<see cref="ValidationTimeline"/>).
/// </summary>
public sealed record LicenseActivity
{
    public required string AccountId { get; init; }
    public required string LicenseId { get; init; }
    public DateTimeOffset? FirstValidatedAt { get; init; }
    public DateTimeOffset? LastValidatedAt { get; init; }
    public long Validations { get; init; }
    public long ValidValidations { get; init; }

    /// <summary>Validations per UTC day, the last <see cref="ValidationTimeline.Days"/> days; empty in rows written before days were kept.</summary>
    public IReadOnlyList<ActivityDay> Daily { get; init; } = [];
    public DateTimeOffset WindowStart { get; init; }
    public IReadOnlyList<string> WindowDomains { get; init; } = [];
    public IReadOnlyList<string> WindowAddresses { get; init; } = [];
    public IReadOnlyList<string> WindowDevelopmentHosts { get; init; } = [];
    public DateTimeOffset? SharingSuspectedAt { get; init; }

    /// <summary>Set (to <see cref="SharingSuspectedAt"/>) only by the write in which the signal fired; the next write clears it.</summary>
    public DateTimeOffset? SharingFiredAt { get; init; }
    public string? Version { get; init; }

    /// <summary>
    /// Folds what was recorded since the last flush into the stored activity: counts add up (also on the day of the
    /// batch's last validation, older days dropping off), the sharing window
    /// (<see cref="SharingSignal.Window"/>) keeps its distinct sites, addresses and development hosts or starts afresh,
    /// and the sharing signal is evaluated; <c>NewlySuspected</c> is true only the first time in a window.
    /// </summary>
    public static (LicenseActivity Next, bool NewlySuspected) Merge(LicenseActivity? current, ActivityRecorder.Pending p, DateTimeOffset now)
    {
        var windowOpen = current is not null && now - current.WindowStart < SharingSignal.Window;
        var domains = new HashSet<string>(windowOpen ? current!.WindowDomains : [], StringComparer.Ordinal);
        var addresses = new HashSet<string>(windowOpen ? current!.WindowAddresses : [], StringComparer.Ordinal);
        var developmentHosts = new HashSet<string>(windowOpen ? current!.WindowDevelopmentHosts : [], StringComparer.Ordinal);
        foreach (var d in p.Domains) if (domains.Count < SharingSignal.MaxTracked) domains.Add(SharingSignal.Site(d));
        foreach (var a in p.Addresses) if (addresses.Count < SharingSignal.MaxTracked) addresses.Add(a);
        foreach (var d in p.DevelopmentHosts) if (developmentHosts.Count < SharingSignal.MaxTracked) developmentHosts.Add(d);
        var suspected = SharingSignal.Suspected(p.MaxActivations, domains.Count, addresses.Count, developmentHosts.Count, p.MaxDevelopmentHosts);
        var suspectedBefore = windowOpen ? current!.SharingSuspectedAt : null;
        var first = current?.FirstValidatedAt is { } f && (p.First is null || f <= p.First) ? f : p.First;
        var next = new LicenseActivity
        {
            AccountId = p.AccountId,
            LicenseId = p.LicenseId,
            FirstValidatedAt = first,
            LastValidatedAt = current?.LastValidatedAt is { } l && l > p.Last ? l : p.Last,
            Validations = (current?.Validations ?? 0) + p.Count,
            ValidValidations = (current?.ValidValidations ?? 0) + p.ValidCount,
            Daily = ValidationTimeline.Add(current?.Daily ?? [], p.Last, p.Count, p.ValidCount, now),
            WindowStart = windowOpen ? current!.WindowStart : now,
            WindowDomains = [.. domains],
            WindowAddresses = [.. addresses],
            WindowDevelopmentHosts = [.. developmentHosts],
            SharingSuspectedAt = suspected ? suspectedBefore ?? now : suspectedBefore,
            SharingFiredAt = suspected && suspectedBefore is null ? now : null,
            Version = current?.Version,
        };
        return (next, suspected && suspectedBefore is null);
    }
}
