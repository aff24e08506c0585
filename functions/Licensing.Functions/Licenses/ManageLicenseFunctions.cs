using System.Globalization;
using System.Text.Json;
using Licensing.Domain.Accounts;
using Licensing.Domain.Activations;
using Licensing.Domain.Audit;
using Licensing.Domain.Common;
using Licensing.Domain.Licenses;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Licenses;

/// <summary>Account endpoints that manage a license: PATCH, deletion, removing an activation, and erasing a customer.</summary>
public sealed class ManageLicenseFunctions(LicenseService licenses, LicenseManagement management, ActivationService activations, PersonalDataEraser eraser,
    RequestAuth auth, TimeProvider clock)
{
    /// <summary>Each field absent (left as it is) or given; <see cref="JsonElement"/> tells the two apart, and null from a value.</summary>
    public sealed record PatchLicenseRequest(JsonElement CustomerEmail, JsonElement Plan, JsonElement Features, JsonElement MaxActivations,
        JsonElement ExpiresAt, JsonElement Metadata);

    public sealed record EraseCustomerRequest(string? Email);

    [Function(nameof(PatchLicense))]
    public async Task<IActionResult> PatchLicense(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "v1/licenses/{licenseId}")] HttpRequest req, string licenseId, CancellationToken ct)
    {
        var caller = await auth.RequireAccountAsync(req, Scopes.LicensesWrite, ct);
        var patch = ParsePatch(await RequestBody.ReadJsonAsync<PatchLicenseRequest>(req, ct));
        return await OkAsync(await management.PatchAsync(caller.AccountId, licenseId, caller.Actor, patch, ct), ct);
    }

    [Function(nameof(DeleteLicense))]
    public async Task<IActionResult> DeleteLicense(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/licenses/{licenseId}")] HttpRequest req, string licenseId, CancellationToken ct)
    {
        var caller = await auth.RequireAccountAsync(req, Scopes.LicensesWrite, ct);
        await management.DeleteAsync(caller.AccountId, licenseId, caller.Actor, ct);
        return new StatusCodeResult(StatusCodes.Status204NoContent);
    }

    [Function(nameof(DeleteActivation))]
    public async Task<IActionResult> DeleteActivation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/licenses/{licenseId}/activations/{activationId}")] HttpRequest req,
        string licenseId, string activationId, CancellationToken ct)
    {
        var caller = await auth.RequireAccountAsync(req, Scopes.LicensesWrite, ct);
        if (!Ids.IsLicenseId(licenseId)) throw new NotFoundException($"license '{licenseId}' not found");
        return await OkAsync(await activations.RemoveAsync(caller.AccountId, licenseId, activationId, caller.Actor, ct), ct);
    }

    [Function(nameof(EraseCustomer))]
    public async Task<IActionResult> EraseCustomer(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/customers/erase")] HttpRequest req, CancellationToken ct)
    {
        var caller = await auth.RequireAccountAsync(req, Scopes.LicensesWrite, ct);
        var body = await RequestBody.ReadJsonAsync<EraseCustomerRequest>(req, ct);
        var email = EmailAddress.Normalize(body.Email) ?? throw ValidationFailedException.For("email", "must be a valid e-mail address");
        var erased = await eraser.EraseCustomerAsync(caller.AccountId, caller.Actor, email, ct);
        return new ApiJsonResult(StatusCodes.Status200OK, new { licensesErased = erased });
    }

    private async Task<IActionResult> OkAsync(License license, CancellationToken ct) =>
        new ApiJsonResult(StatusCodes.Status200OK, LicenseFunctions.ToResponse(license, await licenses.ActivationsAsync(license, ct), clock.GetUtcNow()));

    /// <summary>JSON types checked per field, every wrong one reported at once (the rules on values are the domain's).</summary>
    private static LicensePatch ParsePatch(PatchLicenseRequest b)
    {
        var errors = new FieldErrors();
        var patch = new LicensePatch
        {
            CustomerEmail = Text(b.CustomerEmail, "customerEmail", errors),
            Plan = Text(b.Plan, "plan", errors),
            Features = b.Features.ValueKind switch
            {
                JsonValueKind.Undefined => PatchField<IReadOnlyList<string?>?>.Absent,
                JsonValueKind.Null => PatchField<IReadOnlyList<string?>?>.Of(null),
                JsonValueKind.Array when b.Features.EnumerateArray().All(f => f.ValueKind == JsonValueKind.String) =>
                    PatchField<IReadOnlyList<string?>?>.Of(b.Features.EnumerateArray().Select(f => f.GetString()).ToArray()),
                _ => Wrong<IReadOnlyList<string?>?>("features", "must be an array of strings, or null for the plan's features", errors),
            },
            MaxActivations = b.MaxActivations.ValueKind switch
            {
                JsonValueKind.Undefined => PatchField<int?>.Absent,
                JsonValueKind.Null => PatchField<int?>.Of(null),
                JsonValueKind.Number when b.MaxActivations.TryGetInt32(out var n) => PatchField<int?>.Of(n),
                _ => Wrong<int?>("maxActivations", "must be an integer, or null for unlimited", errors),
            },
            ExpiresAt = b.ExpiresAt.ValueKind switch
            {
                JsonValueKind.Undefined => PatchField<DateTimeOffset?>.Absent,
                JsonValueKind.Null => PatchField<DateTimeOffset?>.Of(null),
                JsonValueKind.String when DateTimeOffset.TryParse(b.ExpiresAt.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal,
                    out var at) && b.ExpiresAt.GetString()!.Contains('T') => PatchField<DateTimeOffset?>.Of(at.ToUniversalTime()),
                _ => Wrong<DateTimeOffset?>("expiresAt", "must be an RFC 3339 time, or null for no expiry", errors),
            },
            Metadata = Metadata(b.Metadata, errors),
        };
        errors.ThrowIfAny();
        return patch;
    }

    private static PatchField<string?> Text(JsonElement e, string field, FieldErrors errors) => e.ValueKind switch
    {
        JsonValueKind.Undefined => PatchField<string?>.Absent,
        JsonValueKind.String => PatchField<string?>.Of(e.GetString()),
        _ => Wrong<string?>(field, "must be a string", errors),
    };

    private static Dictionary<string, string?>? Metadata(JsonElement e, FieldErrors errors)
    {
        if (e.ValueKind == JsonValueKind.Undefined) return null;
        if (e.ValueKind != JsonValueKind.Object)
        {
            errors.Add("metadata", "must be an object of strings (null removes a key)");
            return null;
        }
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var p in e.EnumerateObject())
            if (p.Value.ValueKind is JsonValueKind.String or JsonValueKind.Null) result[p.Name] = p.Value.GetString();
            else errors.Add($"metadata.{p.Name}", "must be a string, or null to remove the key");
        return result;
    }

    private static PatchField<T> Wrong<T>(string field, string message, FieldErrors errors)
    {
        errors.Add(field, message);
        return PatchField<T>.Absent;
    }
}
