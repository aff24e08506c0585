using Licensing.Domain.Accounts;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Accounts;

public sealed class AccountFunctions(AccountService accounts, RequestAuth auth)
{
    public sealed record CreateAccountRequest(string? Name, string? Email, string? Tier);

    /// <summary>Admin: creates an account and shows its API key once.</summary>
    [Function(nameof(CreateAccount))]
    public async Task<IActionResult> CreateAccount(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/accounts")] HttpRequest req, CancellationToken ct)
    {
        auth.RequireAdmin(req);
        var body = await RequestBody.ReadJsonAsync<CreateAccountRequest>(req, ct);
        var (account, apiKey) = await accounts.CreateAsync(body.Name, body.Email, body.Tier, ct);
        return new ApiJsonResult(StatusCodes.Status201Created, new { accountId = account.Id, apiKey, tier = account.Tier });
    }
}
