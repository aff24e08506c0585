using System.Text.Json.Serialization;
using Licensing.Domain.Activations;
using Licensing.Domain.Common;
using Licensing.Domain.Licenses;
using Licensing.Domain.Telemetry;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Activations;

/// <summary>Public: take and free activation slots with the license key (docs/activations.md).</summary>
public sealed class ActivationFunctions(ActivateLicense activate, DeactivateLicense deactivate, AbuseGuard guard, PublicPathBudget budget)
{
    public sealed record ActivateRequest(string? Key, string? Domain, string? Fingerprint, string? Name);

    public sealed record DeactivateRequest(string? Key, string? Domain, string? Fingerprint);

    public sealed record ActivationBody(
        string Id,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Domain,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Fingerprint,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name,
        DateTimeOffset CreatedAt,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Development);

    public sealed record ActivateResponse(
        bool Activated, string Code, string Detail,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ActivationBody? Activation,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ActivationsUsed,
        int? MaxActivations,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? RevalidateAfter,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Certificate);

    public sealed record DeactivateResponse(
        bool Deactivated,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Code,
        string Detail,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ActivationsUsed,
        int? MaxActivations);

    [Function(nameof(Activate))]
    public async Task<IActionResult> Activate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/activate")] HttpRequest req, CancellationToken ct)
    {
        var address = ClientAddress.Of(req);
        guard.CheckAddress(address);
        var body = await RequestBody.ReadJsonAsync<ActivateRequest>(req, ct);
        var (key, target) = Parse(body.Key, body.Domain, body.Fingerprint);
        var name = body.Name?.Trim();
        if (name is { Length: > ActivationRules.MaxNameLength })
            throw ValidationFailedException.For("name", $"at most {ActivationRules.MaxNameLength} characters");
        var r = await budget.RunAsync(t => activate.ActivateAsync(key, target, string.IsNullOrEmpty(name) ? null : name, address, t), ct);
        LicensingMetrics.Activation("activate", r.Code);
        var activation = r.Activation is { } a
            ? new ActivationBody(a.Id, a.Domain, a.Fingerprint, a.Name, a.CreatedAt, r.Development)
            : null;
        return new ApiJsonResult(StatusCodes.Status200OK, new ActivateResponse(r.Activated, r.Code, r.Detail, activation,
            r.License?.Activations.Count, r.License?.MaxActivations, r.RevalidateAfter, r.Certificate));
    }

    [Function(nameof(Deactivate))]
    public async Task<IActionResult> Deactivate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/deactivate")] HttpRequest req, CancellationToken ct)
    {
        var address = ClientAddress.Of(req);
        guard.CheckAddress(address);
        var body = await RequestBody.ReadJsonAsync<DeactivateRequest>(req, ct);
        var (key, target) = Parse(body.Key, body.Domain, body.Fingerprint);
        var r = await budget.RunAsync(t => deactivate.DeactivateAsync(key, target, address, t), ct);
        LicensingMetrics.Activation("deactivate", r.Code ?? "OK");
        return new ApiJsonResult(StatusCodes.Status200OK,
            new DeactivateResponse(r.Deactivated, r.Code, r.Detail, r.License?.Activations.Count, r.License?.MaxActivations));
    }

    private static (string Key, ActivationTarget Target) Parse(string? key, string? domain, string? fingerprint)
    {
        if (key is null) throw ValidationFailedException.For("key", "is required");
        return (key, ActivationRules.ParseTarget(domain, fingerprint));
    }
}
