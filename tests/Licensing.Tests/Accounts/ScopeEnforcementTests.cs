using System.Net;
using Licensing.Domain.Accounts;
using Licensing.Tests.Support;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Licensing.Tests.Accounts;

/// <summary>
/// docs/openapi.yaml names the scope of every account operation (<c>x-scope</c>), and the app enforces exactly that: every
/// account route in the document is called with a key that has every scope but its own (403 FORBIDDEN) and with a key
/// that has only its own (anything but 401/403).
/// </summary>
public sealed class ScopeEnforcementTests
{
    private sealed record Operation(string Method, string Path, string? Scope, IReadOnlyList<string> Schemes);

    private static async Task<Operation[]> OperationsAsync()
    {
        var settings = new OpenApiReaderSettings();
        settings.AddYamlReader();
        await using var stream = File.OpenRead(Repo.PathTo("docs", "openapi.yaml"));
        var document = (await OpenApiDocument.LoadAsync(stream, "yaml", settings)).Document!;
        return document.Paths.SelectMany(path => path.Value.Operations!.Select(op => new Operation(
            op.Key.Method, path.Key,
            op.Value.Extensions is { } ext && ext.TryGetValue("x-scope", out var scope) && scope is JsonNodeExtension node
                ? node.Node.GetValue<string>() : null,
            (op.Value.Security ?? []).SelectMany(r => r.Keys).Select(k => k.Reference.Id!).ToArray()))).ToArray();
    }

    private static bool IsAccountOperation(Operation op) => op.Schemes.Contains("apiKey") || op.Schemes.Contains("session");

    [Fact]
    public async Task Every_account_operation_declares_a_known_scope_and_only_account_operations_do()
    {
        var operations = await OperationsAsync();
        Assert.Contains(operations, IsAccountOperation);
        foreach (var op in operations)
            if (IsAccountOperation(op)) Assert.True(Scopes.IsKnown(op.Scope), $"{op.Method} {op.Path}: x-scope is missing or unknown ({op.Scope})");
            else Assert.True(op.Scope is null, $"{op.Method} {op.Path} takes no account credential but declares x-scope {op.Scope}");
    }

    [Fact]
    public async Task Every_account_route_refuses_a_key_without_its_scope_and_lets_a_key_with_it_through()
    {
        await using var host = await AccountTestKit.StartAsync();
        var (accountId, owner) = await host.CreateAccountWithProductAndIdAsync();
        var licenseId = (await host.IssueAsync(owner)).GetProperty("licenseId").GetString()!;
        var narrow = Scopes.Known.Where(s => s != Scopes.All).ToArray();
        var keys = new Dictionary<string, (string Without, string Only)>();
        foreach (var scope in narrow)
            keys[scope] = ((await AccountTestKit.CreateKeyAsync(host, owner, "all but " + scope, narrow.Where(s => s != scope).ToArray())).Secret,
                (await AccountTestKit.CreateKeyAsync(host, owner, "only " + scope, scope)).Secret);

        var walked = 0;
        foreach (var op in (await OperationsAsync()).Where(o => o.Schemes.Contains("apiKey")))
        {
            var path = op.Path.TrimStart('/').Replace("{productId}", "my-plugin").Replace("{licenseId}", licenseId).Replace("{accountId}", accountId)
                .Replace("{eventId}", "evt_scope_walk").Replace("{id}", "key_0000000000000000").Replace("{releaseId}", "rel_scope_walk")
                .Replace("{activationId}", "act_0000000000000000");
            Assert.DoesNotContain("{", path);
            var (without, only) = keys[op.Scope!];
            var method = new HttpMethod(op.Method);
            var body = method == HttpMethod.Get || method == HttpMethod.Delete ? null : "{}";

            var refused = await host.SendAsync(method, path, bearer: without, rawBody: body);
            refused.AssertProblem(HttpStatusCode.Forbidden, "FORBIDDEN");
            Assert.Contains(op.Scope!, refused.Json.GetProperty("detail").GetString());

            var allowed = await host.SendAsync(method, path, bearer: only, rawBody: body);
            var forbidden = allowed.Status == HttpStatusCode.Forbidden && allowed.Json.GetProperty("code").GetString() == "FORBIDDEN";
            Assert.True(allowed.Status != HttpStatusCode.Unauthorized && !forbidden,
                $"{op.Method} {op.Path} with a key holding {op.Scope}: {(int)allowed.Status} {allowed.Text}");
            walked++;
        }
        Assert.True(walked >= 20, $"only {walked} account operations found in docs/openapi.yaml");
    }
}
