using Licensing.Domain.Common;

namespace Licensing.Functions.Http;

/// <summary>The request body is not JSON, or not the JSON shape expected: 400 INVALID_JSON.</summary>
public sealed class InvalidJsonException(string detail) : LicensingException(detail);

/// <summary>The request body is over the 64 KiB limit: 413.</summary>
public sealed class PayloadTooLargeException(string detail) : LicensingException(detail);

/// <summary>No credentials, or credentials that do not match: 401.</summary>
public sealed class UnauthorizedException(string detail) : LicensingException(detail);

/// <summary>Valid credentials of the wrong kind for this endpoint: 403.</summary>
public sealed class ForbiddenException(string detail) : LicensingException(detail);
