using System.Text.Json.Serialization;
using Licensing.Domain.Activations;
using Licensing.Domain.Common;
using Licensing.Domain.Domains;
using Licensing.Domain.Licenses;
using Licensing.Domain.Telemetry;
using Licensing.Domain.Validation;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Validation;

/// <summary>Public: <c>POST /v1/validate</c>. Always 200 for a well-formed request; the verdict is data.</summary>
public sealed class ValidateFunction(ValidateLicense validation, AbuseGuard guard, PublicPathBudget budget, TimeProvider clock)
{
    public const int MaxFeatures = 100;

    public sealed record ValidateRequest(string? Key, string? Domain, string? Fingerprint, List<string?>? Features, string? ProductId,
        DateTimeOffset? ReleaseDate, string? Version);

    public sealed record LicenseSummary(string Id, string ProductId, string Plan, string Status, IReadOnlyList<string> Features,
        DateTimeOffset? ExpiresAt, int? MaxActivations, DateTimeOffset? UpdatesUntil, bool Trial);

    /// <summary>The answer; written by <see cref="ValidateResponseConverter"/>, which also says which fields are left out when null.</summary>
    [JsonConverter(typeof(ValidateResponseConverter))]
    public sealed record ValidateResponse(bool Valid, string Code, string Detail, LicenseSummary? License, DateTimeOffset? RevalidateAfter,
        string? Certificate);

    [Function(nameof(Validate))]
    public async Task<IActionResult> Validate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/validate")] HttpRequest req, CancellationToken ct)
    {
        var address = ClientAddress.Of(req);
        guard.CheckAddress(address);
        var body = await RequestBody.ReadJsonAsync<ValidateRequest>(req, ct);
        var request = Parse(body);
        var verdict = await budget.RunAsync((validation, request, address), static (s, t) => s.validation.ValidateAsync(s.request, s.address, t), ct);
        var now = clock.GetUtcNow();
        var code = verdict.Code.ToWire();
        LicensingMetrics.Verdict(code);
        // A repeat whose certificate is reused is the same answer: its bytes are written again rather than serialized again.
        if (verdict is not { License: { } license, Issued: { } issued }) return new ApiJsonResult(StatusCodes.Status200OK, ResponseOf(verdict, now));
        return ApiJsonResult.Serialized(StatusCodes.Status200OK, ValidateAnswers.For(verdict, code, license, issued, now));
    }

    /// <summary>The answer to a verdict, the license's status as of <paramref name="now"/>.</summary>
    public static ValidateResponse ResponseOf(Verdict verdict, DateTimeOffset now) => new(
        verdict.Valid,
        verdict.Code.ToWire(),
        verdict.Detail,
        verdict.License is not { } l ? null
            : new LicenseSummary(l.Id, l.ProductId, l.Plan, l.EffectiveStatus(now).ToWire(), l.Features, l.ExpiresAt, l.MaxActivations, l.UpdatesUntil,
                l.Trial),
        verdict.RevalidateAfter,
        verdict.Certificate);

    /// <summary>Shape checks only: a malformed or unknown key is a NOT_FOUND verdict, not a 400.</summary>
    public static ValidationRequest Parse(ValidateRequest body)
    {
        var errors = new FieldErrors();
        if (body.Key is null) errors.Add("key", "is required");
        string? domain = null;
        if (body.Domain is not null && (domain = DomainName.Normalize(body.Domain)) is null)
            errors.Add("domain", "must be a host name, URL or IP address");
        string? fingerprint = null;
        if (body.Fingerprint is not null && (fingerprint = ActivationRules.NormalizeFingerprint(body.Fingerprint)) is null)
            errors.Add("fingerprint", $"must be 1-{ActivationRules.MaxFingerprintLength} printable characters");
        if (body.Features is { Count: > MaxFeatures }) errors.Add("features", $"at most {MaxFeatures} features");
        if (body.Features?.Any(f => f is null) == true) errors.Add("features", "must be an array of strings");
        if (body.ProductId is { Length: 0 or > 64 }) errors.Add("productId", "must be 1-64 characters");
        if (body.Version is { Length: 0 or > 64 }) errors.Add("version", "must be 1-64 characters");
        if (body.Version is not null && body.ReleaseDate is not null) errors.Add("version", "give releaseDate or version, not both");
        errors.ThrowIfAny();
        return new ValidationRequest(body.Key!, domain, fingerprint, body.Features?.OfType<string>().ToArray() ?? [], body.ProductId)
        {
            ReleaseDate = body.ReleaseDate,
            Version = body.Version,
        };
    }
}
