using Licensing.Domain.Common;

namespace Licensing.Functions.Http;

/// <summary>No credentials, or credentials that do not match: 401.</summary>
public sealed class UnauthorizedException(string detail) : LicensingException(detail);
