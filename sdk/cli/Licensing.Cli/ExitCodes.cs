using Licensing.Management;

namespace Licensing.Cli;

/// <summary>Exit codes a script can branch on (sdk/cli/README.md lists them).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int NotSignedIn = 3;
    public const int Forbidden = 4;
    public const int NotFound = 5;
    public const int Conflict = 6;
    public const int Invalid = 7;
    public const int Unavailable = 8;
    public const int QuotaExceeded = 9;
    public const int PartialImport = 10;

    /// <summary>The exit code for an API problem: by its stable code first, then by status.</summary>
    public static int For(ApiException e) => e.Code switch
    {
        "UNAUTHORIZED" => NotSignedIn,
        "FORBIDDEN" => Forbidden,
        "NOT_FOUND" => NotFound,
        "CONFLICT" => Conflict,
        "VALIDATION_FAILED" or "INVALID_JSON" or "PAYLOAD_TOO_LARGE" => Invalid,
        "QUOTA_EXCEEDED" => QuotaExceeded,
        "RATE_LIMITED" or "SERVICE_UNAVAILABLE" or "REQUEST_TIMEOUT" => Unavailable,
        _ => e.Status switch
        {
            401 => NotSignedIn,
            403 => Forbidden,
            404 => NotFound,
            409 => Conflict,
            400 or 413 or 422 => Invalid,
            429 or >= 500 => Unavailable,
            _ => Failure,
        },
    };
}
