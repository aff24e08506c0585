namespace Licensing.Tests.Support;

/// <summary>
/// How long a test waits for a condition before it fails: a bound on a hang, never a latency budget. On a shared 2-core
/// machine under a CPU hog a storage call can take its whole 10 s network timeout and a queue receive that timed out
/// still hides its messages for the local host's 60 s lease, so a correct answer can take minutes; a test that waits on
/// a condition returns as soon as it holds.
/// </summary>
public static class Patience
{
    public static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);

    /// <summary>When a wait started now gives up.</summary>
    public static DateTime Deadline => DateTime.UtcNow + Bound;
}
