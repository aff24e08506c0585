using Licensing.Domain.Common;
using Licensing.Functions.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Licensing.Tests.Http;

public sealed class ProblemMappingTests
{
    [Fact]
    public void A_lost_race_that_escaped_every_retry_loop_is_a_503_to_retry_never_a_500()
    {
        foreach (var escaped in new Exception[] { new ConcurrencyException("the code changed"), new AggregateException(new ConcurrencyException("x")),
            new InvalidOperationException("wrapped", new ConcurrencyException("x")) })
        {
            var problem = Problem.From(escaped, NullLogger.Instance);
            Assert.Equal((503, "SERVICE_UNAVAILABLE", 1), (problem.Status, problem.Code, problem.RetryAfterSeconds));
            Assert.Contains("try again", problem.Detail);
        }
        Assert.Equal(500, Problem.From(new InvalidOperationException("a bug"), NullLogger.Instance).Status);
    }
}
