using Licensing.Domain.Common;

namespace Licensing.Functions.Http;

/// <summary>Valid credentials of the wrong kind for this endpoint: 403.</summary>
public sealed class ForbiddenException(string detail) : LicensingException(detail);
