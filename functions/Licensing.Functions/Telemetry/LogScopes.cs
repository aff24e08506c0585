using System.Collections;
using Microsoft.Extensions.Logging;

namespace Licensing.Functions.Telemetry;

/// <summary>
/// The ids a log line is about, as a logging scope: <c>AccountId</c>, <c>ProductId</c>, <c>LicenseId</c> (each only when known).
/// Application Insights shows them as custom dimensions of every line logged inside the scope; the console shows them with
/// <c>Logging:Console:FormatterOptions:IncludeScopes</c>. Ids only: never a key, an e-mail address, a token or a secret.
/// </summary>
public static class LogScopes
{
    public static IDisposable? Begin(ILogger logger, string? accountId, string? productId = null, string? licenseId = null) =>
        logger.BeginScope(new Ids(accountId, productId, licenseId));

    private sealed class Ids(string? accountId, string? productId, string? licenseId) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private readonly KeyValuePair<string, object?>[] _pairs = new[]
        {
            new KeyValuePair<string, object?>("AccountId", accountId),
            new KeyValuePair<string, object?>("ProductId", productId),
            new KeyValuePair<string, object?>("LicenseId", licenseId),
        }.Where(p => p.Value is not null).ToArray();

        public int Count => _pairs.Length;
        public KeyValuePair<string, object?> this[int index] => _pairs[index];
        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_pairs).GetEnumerator();
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
        public override string ToString() => string.Join(' ', _pairs.Select(p => $"{p.Key}={p.Value}"));
    }
}
