namespace Licensing.Domain.Common;

/// <summary>A failure the caller can act on; the HTTP edge maps each kind to its problem+json code.</summary>
public abstract class LicensingException(string message) : Exception(message);

/// <summary>Input that breaks a rule: 400 VALIDATION_FAILED with per-field messages.</summary>
public sealed class ValidationFailedException(IReadOnlyDictionary<string, string[]> errors)
    : LicensingException("one or more fields are invalid")
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    public static ValidationFailedException For(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>The resource does not exist for this caller (another account's resource is also "not found").</summary>
public sealed class NotFoundException(string detail) : LicensingException(detail);

/// <summary>The request conflicts with the resource's current state (e.g. reinstating a revoked license).</summary>
public sealed class ConflictException(string detail) : LicensingException(detail);

/// <summary>A dependency (storage, signing) cannot be reached: 503 with Retry-After, never a wrong answer.</summary>
public sealed class ServiceUnavailableException(string detail, Exception? inner = null)
    : LicensingException(detail)
{
    public Exception? Fault { get; } = inner;
    public int RetryAfterSeconds { get; init; } = 5;
}

/// <summary>Accumulates field errors so a request reports every problem at once.</summary>
public sealed class FieldErrors
{
    // Made at the first error: a request without any (the usual case) allocates none.
    private Dictionary<string, List<string>>? _errors;

    public bool Any => _errors is { Count: > 0 };

    public void Add(string field, string message)
    {
        _errors ??= new(StringComparer.Ordinal);
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
    }

    public void ThrowIfAny()
    {
        if (_errors is { Count: > 0 } errors)
            throw new ValidationFailedException(errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
    }
}
