using System.Text.Json;
using System.Text.Json.Nodes;

namespace Licensing.Cli.Import;

/// <summary>
/// Keygen has no CSV export: its API's license list (<c>GET /v1/accounts/{account}/licenses</c>, JSON:API, one
/// document or an array of page documents) becomes rows of the keygen mapping. The owner's e-mail comes from the
/// included user, else from <c>metadata.email</c>; the policy id chooses the plan (<c>--map policyId=plan</c>).
/// </summary>
public static class KeygenJson
{
    public static readonly string[] Header = ["key", "email", "status", "expiry", "max_machines", "policy"];

    public static IEnumerable<(int Line, string[] Fields)> Rows(string json)
    {
        var root = JsonNode.Parse(json) ?? throw new JsonException("empty document");
        var documents = root is JsonArray pages ? pages.OfType<JsonObject>().ToArray() : [root.AsObject()];
        var emails = documents.SelectMany(d => d["included"]?.AsArray() ?? []).OfType<JsonObject>()
            .Where(i => i["type"]?.ToString() == "users")
            .ToDictionary(i => i["id"]?.ToString() ?? "", i => i["attributes"]?["email"]?.ToString());
        var index = 0;
        foreach (var license in documents.SelectMany(d => d["data"]?.AsArray() ?? []).OfType<JsonObject>())
        {
            index++;
            var a = license["attributes"];
            var relationships = license["relationships"];
            var userId = (relationships?["owner"] ?? relationships?["user"])?["data"]?["id"]?.ToString();
            var email = (userId is not null && emails.TryGetValue(userId, out var e) ? e : null) ?? a?["metadata"]?["email"]?.ToString();
            yield return (index, [
                a?["key"]?.ToString() ?? "", email ?? "", a?["status"]?.ToString() ?? "", a?["expiry"]?.ToString() ?? "",
                a?["maxMachines"]?.ToString() ?? "", relationships?["policy"]?["data"]?["id"]?.ToString() ?? "",
            ]);
        }
    }
}
