using Licensing.Domain.Common;

namespace Licensing.Domain.Quotas;

/// <summary>Issuing over the account's license quota: 403 QUOTA_EXCEEDED.</summary>
public sealed class QuotaExceededException(string detail) : LicensingException(detail);
