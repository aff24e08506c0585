using Licensing.Domain.Common;

namespace Licensing.Functions.Http;

/// <summary>The request body is not JSON, or not the JSON shape expected: 400 INVALID_JSON.</summary>
public sealed class InvalidJsonException(string detail) : LicensingException(detail);
