using Microsoft.Extensions.Logging;

namespace Licensing.Tests.Support;

/// <summary>
/// Writes host warnings and errors to .local/test-host.log, so a failing HTTP test can be diagnosed; and each e-mail delivery's
/// outcome (an e-mail a test waits for in vain was either never queued, or its outcome says where it went).
/// </summary>
public sealed class FileLoggerProvider(string path) : ILoggerProvider
{
    private static readonly Lock Gate = new();

    /// <summary>The category whose information (one line per delivery) the file keeps; <see cref="TestHost"/> lets it through.</summary>
    public const string Deliveries = "Licensing.Functions.Email.EmailFunctions";

    public ILogger CreateLogger(string categoryName) => new FileLogger(path, categoryName);

    public void Dispose() { }

    private sealed class FileLogger(string path, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) =>
            logLevel >= LogLevel.Warning || (logLevel >= LogLevel.Information && category == Deliveries);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            lock (Gate)
                File.AppendAllText(path,
                    $"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{Environment.NewLine}"
                    + $"{exception}{Environment.NewLine}");
        }
    }
}
