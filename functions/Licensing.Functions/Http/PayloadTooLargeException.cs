using Licensing.Domain.Common;

namespace Licensing.Functions.Http;

/// <summary>The request body is over the 64 KiB limit: 413.</summary>
public sealed class PayloadTooLargeException(string detail) : LicensingException(detail);
