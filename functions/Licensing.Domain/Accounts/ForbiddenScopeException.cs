using Licensing.Domain.Common;

namespace Licensing.Domain.Accounts;

/// <summary>A credential asked for more than it holds (e.g. a key granting a scope it lacks): 403 FORBIDDEN.</summary>
public sealed class ForbiddenScopeException(string detail) : LicensingException(detail);
