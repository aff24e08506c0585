using System.ComponentModel.DataAnnotations;
using Licensing.Functions.Hosting;

namespace Licensing.LocalHost;

/// <summary>
/// The local host's own settings, bound from the <c>LocalHost</c> section (<c>LocalHost__Name</c> in the environment)
/// and validated at start. docs/configuration.md lists them; the function app never reads them.
/// </summary>
public sealed class LocalHostOptions
{
    public const string Section = "LocalHost";

    /// <summary>Leaves the queues to other hosts (tests whose clock is moved far from real time).</summary>
    public bool DisableQueues { get; set; }

    /// <summary>Fires no timer (tests run the jobs themselves, so a timer never fires mid-test).</summary>
    public bool DisableTimers { get; set; }

    /// <summary>How long a failed message stays invisible before its retry; unset: host.json's visibilityTimeout.</summary>
    [Range(0, 7 * 24 * 3600 * 1000,
        ErrorMessage = "LocalHost:QueueRetryDelayMilliseconds must be between {1} and {2} (a queue message stays invisible at most 7 days).")]
    public int? QueueRetryDelayMilliseconds { get; set; }

    /// <summary>The longest wait between two polls of an empty queue; unset: host.json's maxPollingInterval.</summary>
    [Range(1, 10 * 60 * 1000, ErrorMessage = "LocalHost:MaxPollingMilliseconds must be between {1} and {2}.")]
    public int? MaxPollingMilliseconds { get; set; }

    /// <summary>The published dashboard (a wwwroot folder) to serve at / beside the API; unset: the API only.</summary>
    public string? DashboardRoot { get; set; }

    public TimeSpan QueueRetryDelay => QueueRetryDelayMilliseconds is { } ms ? TimeSpan.FromMilliseconds(ms) : HostSettings.VisibilityTimeout;

    public TimeSpan MaxPolling => MaxPollingMilliseconds is { } ms ? TimeSpan.FromMilliseconds(ms) : HostSettings.MaxPollingInterval;
}
