namespace Licensing.Tests.Support;

/// <summary>
/// The lifecycle timers scan every account's licenses (that is their job). Tests that run them with a clock moved
/// far ahead would expire other tests' licenses mid-test, so they run alone, after the parallel tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalJobsCollection
{
    public const string Name = "global lifecycle jobs";
}
