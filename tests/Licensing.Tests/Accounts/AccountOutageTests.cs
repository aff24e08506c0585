using System.Net;
using Licensing.Tests.Storage;
using Licensing.Tests.Support;

namespace Licensing.Tests.Accounts;

/// <summary>Storage unreachable: sign-up, sign-in, sessions and keys answer 503 with Retry-After, never a 500 or a wrong 401.</summary>
public sealed class AccountOutageTests
{
    [Fact]
    public async Task Every_account_route_answers_503_with_retry_after_when_storage_is_down()
    {
        string session, apiKey;
        await using (var up = await AccountTestKit.StartAsync())
        {
            (session, _, _) = await AccountTestKit.SignUpAsync(up, "outage");
            (_, apiKey) = await AccountTestKit.CreateKeyAsync(up, session, "ops", Licensing.Domain.Accounts.Scopes.All);
        }
        await using var down = await TestHost.StartAsync(StorageOutageTests.ClosedPort, settings: AccountTestKit.Settings());
        var answers = new[]
        {
            await down.PostAsync("v1/signup", new { email = AccountTestKit.NewAddress("outage"), name = "O" }),
            await down.PostAsync("v1/signin", new { email = AccountTestKit.NewAddress("outage") }),
            await down.PostAsync("v1/sessions", new { token = "lsi_" + new string('a', 43) }),
            await down.GetAsync("v1/api-keys", apiKey),
            await down.GetAsync("v1/api-keys", session),
            await down.PostAsync("v1/api-keys", new { name = "n", scopes = new[] { "*" } }, session),
            await down.SendAsync(HttpMethod.Delete, "v1/sessions/current", bearer: session),
        };
        foreach (var answer in answers)
        {
            answer.AssertProblem(HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
            Assert.NotNull(answer.Headers.RetryAfter);
        }
    }
}
