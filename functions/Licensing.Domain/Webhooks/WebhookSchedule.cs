namespace Licensing.Domain.Webhooks;

/// <summary>
/// When a failed delivery is tried again: the Standard Webhooks schedule after each failure (5 s, 5 min, 30 min, 2 h,
/// 5 h, 10 h, 14 h, 20 h, 24 h: ten attempts over about three days), each delay moved by up to ±<see cref="Jitter"/> so
/// that endpoints which failed together do not all come back at the same second.
/// </summary>
public static class WebhookSchedule
{
    public const double Jitter = 0.1;

    public static IReadOnlyList<TimeSpan> Delays { get; } =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(5),
        TimeSpan.FromHours(10), TimeSpan.FromHours(14), TimeSpan.FromHours(20), TimeSpan.FromHours(24),
    ];

    /// <summary>Every attempt, the first included.</summary>
    public static int MaxAttempts => Delays.Count + 1;

    /// <summary>
    /// The wait after the <paramref name="failedAttempts"/>-th failed attempt, with jitter from <paramref name="unit"/>
    /// (a value in [0, 1)); null when the schedule is exhausted.
    /// </summary>
    public static TimeSpan? After(int failedAttempts, double unit)
    {
        if (failedAttempts < 1 || failedAttempts > Delays.Count) return null;
        var delay = Delays[failedAttempts - 1];
        return delay * (1 - Jitter + (2 * Jitter * Math.Clamp(unit, 0, 1)));
    }
}
