using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Licensing.Tests.Support;

/// <summary>Keeps every log entry of a host in memory, so a test can wait for one and look at what was logged.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    public sealed record Entry(string Category, LogLevel Level, string Message, Exception? Exception);

    private readonly ConcurrentQueue<Entry> _entries = new();

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
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) owner._entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), exception));
        }
    }
}
