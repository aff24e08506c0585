using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Licensing.Management;

/// <summary>A license as the account API returns it (<c>GET /v1/licenses/{id}</c>).</summary>
public sealed record License
{
    public string LicenseId { get; init; } = "";
    public string? LicenseKey { get; init; }
    public string ProductId { get; init; } = "";
    public string Plan { get; init; } = "";
    public string? Model { get; init; }
    public string Status { get; init; } = "";
    public string? CustomerEmail { get; init; }
    public IReadOnlyList<string> Features { get; init; } = [];
    public IReadOnlyList<string> Domains { get; init; } = [];
    public int? MaxActivations { get; init; }
    public int? ActivationsUsed { get; init; }
    public IReadOnlyList<Activation>? Activations { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
    public string? StatusReason { get; init; }
    public bool? Test { get; init; }
    public bool? Trial { get; init; }
    /// <summary>On <c>GET /v1/licenses/{id}</c>: what validations looked like (written off the hot path, seconds behind).</summary>
    public LicenseUsage? Usage { get; init; }
    /// <summary>On <c>GET /v1/licenses/{id}</c>: the sharing signal of the current window.</summary>
    public SharingSignal? Sharing { get; init; }
}

public sealed record LicenseUsage(DateTimeOffset? FirstValidatedAt, DateTimeOffset? LastValidatedAt, long Validations, long ValidValidations)
{
    /// <summary>Validations per UTC day over the last 30 days: only days with validations, oldest first.</summary>
    public IReadOnlyList<ValidationDay> Daily { get; init; } = [];
}

/// <summary>One UTC day of a license's validations (a flushed batch counts on the day of its last validation).</summary>
public sealed record ValidationDay(DateOnly Date, long Validations, long Valid);

public sealed record SharingSignal
{
    public bool Suspected { get; init; }
    public DateTimeOffset? SuspectedAt { get; init; }
    public int WindowHours { get; init; }
    public DateTimeOffset? WindowStart { get; init; }
    public int DistinctDomains { get; init; }
    public int DistinctAddresses { get; init; }
    public IReadOnlyList<string> Domains { get; init; } = [];
    public int DistinctDevelopmentHosts { get; init; }
    public IReadOnlyList<string> DevelopmentHosts { get; init; } = [];
}

/// <summary>One entry of <c>GET /v1/audit</c>: who did what to which resource, and what changed.</summary>
public sealed record AuditEntry(string Id, DateTimeOffset At, AuditParty Actor, string Action, AuditParty Target, JsonNode? Changes);

public sealed record AuditParty(string Type, string? Id);

public sealed record Activation(string Id, string? Domain, string? Fingerprint, string? Name, DateTimeOffset CreatedAt);

/// <summary>One page of a list; <see cref="ContinuationToken"/> asks for the next.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? ContinuationToken);

/// <summary>Filters of <c>GET /v1/licenses</c>.</summary>
public sealed record LicenseFilter(string? ProductId = null, string? CustomerEmail = null, string? Status = null, string? Plan = null);

/// <summary><c>POST /v1/licenses</c>.</summary>
public sealed record IssueLicenseRequest
{
    public required string ProductId { get; init; }
    public required string CustomerEmail { get; init; }
    public required string Plan { get; init; }
    public IReadOnlyList<string>? Domains { get; init; }
    public IReadOnlyList<string>? Features { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public int? MaxActivations { get; init; }
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}

/// <summary>One item of <c>POST /v1/licenses/import</c>: a key the customer already has, kept as given.</summary>
public sealed record ImportItem
{
    public required string Key { get; init; }
    public string? CustomerEmail { get; init; }
    public string? Plan { get; init; }
    public string? Status { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public IReadOnlyList<string>? Domains { get; init; }
    public int? MaxActivations { get; init; }
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}

public sealed record ImportResult(int Imported, int Skipped, IReadOnlyList<ImportError> Errors);

/// <summary>An item the server refused: its index in the request, a stable code and words for a person.</summary>
public sealed record ImportError(int Index, string Code, string Detail);

public sealed record CodeBatch(string BatchId, string ProductId, string Plan, int Count, int? Added, IReadOnlyList<string>? Codes);

/// <summary>A provider event whose processing failed, and why (<c>GET /v1/integrations/{provider}/failures</c>).</summary>
public sealed record ProviderFailure(string EventId, string? Type, string? Reason, int Attempts, DateTimeOffset? FailedAt);

/// <summary>The five founder metrics over a range, with the daily series as the server sends it.</summary>
public sealed record MetricsReport
{
    public string? ProductId { get; init; }
    public string From { get; init; } = "";
    public string To { get; init; } = "";
    public double? ValidationSuccessRate { get; init; }
    public long Validations { get; init; }
    public long ValidValidations { get; init; }
    public LicenseCounts? Licenses { get; init; }
    public double? DomainToLicenseRatio { get; init; }
    public double? RenewalRate { get; init; }
    public TimeToFirstValidation? TimeToFirstValidation { get; init; }

    /// <summary>Test-mode licenses that exist now (simulated purchases, providers' test mode): counted in no metric.</summary>
    public long? TestLicenses { get; init; }
    public IReadOnlyList<JsonObject> Daily { get; init; } = [];
}

public sealed record LicenseCounts(long? Issued, long? Active);

public sealed record TimeToFirstValidation(long Licenses, double? MeanSeconds, double? MedianSeconds);

/// <summary><c>POST /v1/sessions</c>: a sign-in link's token exchanged for a session.</summary>
public sealed record Session(string SessionToken, string AccountId, DateTimeOffset ExpiresAt);

/// <summary><c>POST /v1/api-keys</c>: the new key, its secret shown this once.</summary>
public sealed record ApiKeyCreated(string Id, string Name, IReadOnlyList<string> Scopes, string ApiKey, DateTimeOffset CreatedAt);

/// <summary>A key as <c>GET /v1/api-keys</c> lists it: never its secret, only the first characters.</summary>
public sealed record ApiKeyInfo(string Id, string Name, IReadOnlyList<string> Scopes, string? Prefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt);

/// <summary>A problem+json answer (RFC 9457) with the API's stable <see cref="Code"/>.</summary>
public sealed class ApiException(int status, string code, string detail, IReadOnlyDictionary<string, string[]>? errors = null)
    : Exception($"{code}: {detail}")
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public string Detail { get; } = detail;
    public IReadOnlyDictionary<string, string[]>? Errors { get; } = errors;
}

/// <summary>The JSON conventions of the API: camelCase, nulls left out of requests.</summary>
public static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
    };
}
