using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Licensing.Tests.Support;

/// <summary>Keeps every log entry of a host in memory (with the scopes it was logged in), so a test can wait for one and look at what was logged.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    public sealed record Entry(string Category, LogLevel Level, string Message, Exception? Exception)
    {
        /// <summary>The key-value pairs of every scope the entry was logged in (a scope that is not a list of pairs: its text under "").</summary>
        public IReadOnlyList<KeyValuePair<string, object?>> Scopes { get; init; } = [];
    }

    private readonly ConcurrentQueue<Entry> _entries = new();
    private IExternalScopeProvider? _scopes;

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public IReadOnlyCollection<Entry> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>The first entry that matches, waiting for it (up to a minute) as the host keeps logging.</summary>
    public async Task<Entry> WaitForAsync(Func<Entry, bool> match)
    {
        using var timeout = new CancellationTokenSource(Patience.Bound);
        while (true)
        {
            if (_entries.FirstOrDefault(match) is { } found) return found;
            await Task.Delay(20, timeout.Token);
        }
    }

    public void Dispose() { }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes?.Push(state);
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var scopes = new List<KeyValuePair<string, object?>>();
            owner._scopes?.ForEachScope((scope, list) =>
            {
                if (scope is IEnumerable<KeyValuePair<string, object?>> pairs) list.AddRange(pairs);
                else list.Add(new KeyValuePair<string, object?>("", scope?.ToString()));
            }, scopes);
            owner._entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), exception) { Scopes = scopes });
        }
    }
}
