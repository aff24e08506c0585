using System.Text.Json;
using System.Text.Json.Nodes;
using Licensing.Domain.Licenses;
using Licensing.Functions.Http;
using Licensing.Functions.Licenses;

namespace Licensing.Functions.Webhooks;

/// <summary>
/// Webhook bodies: <c>{ "type", "timestamp", "data" }</c> in the API's JSON. License events carry <c>data.license</c>, the
/// license as <c>GET /v1/licenses/{id}</c> shows it without its key; a body that would pass <see cref="MaxChars"/> (a
/// license with thousands of activations) leaves out the activation list and says so with <c>activationsOmitted</c>.
/// </summary>
public static class WebhookPayloads
{
    public const int MaxChars = 200_000;

    public static string Build(string type, DateTimeOffset at, JsonObject data) =>
        new JsonObject { ["type"] = type, ["timestamp"] = JsonSerializer.SerializeToNode(at, Json.Options), ["data"] = data }.ToJsonString(Json.Options);

    public static string Ping(DateTimeOffset at) => Build(Domain.Webhooks.WebhookEvents.Ping, at, new JsonObject { ["message"] = "ping" });

    /// <summary>The license as the API shows it, without <c>licenseKey</c>.</summary>
    public static JsonObject License(License license, IReadOnlyList<Activation> activations, DateTimeOffset now)
    {
        var node = JsonSerializer.SerializeToNode(LicenseFunctions.ToResponse(license, activations, now), Json.Options)!.AsObject();
        node.Remove("licenseKey");
        return node;
    }

    /// <summary>The body; when too long, again without the license's activation list.</summary>
    public static string BuildBounded(string type, DateTimeOffset at, JsonObject data)
    {
        var body = Build(type, at, data);
        if (body.Length <= MaxChars || data["license"] is not JsonObject license) return body;
        license.Remove("activations");
        license.Remove("domains");
        license["activationsOmitted"] = true;
        body = Build(type, at, data);
        return body.Length <= MaxChars ? body : throw new InvalidOperationException($"a {type} webhook body is over {MaxChars} characters");
    }
}
