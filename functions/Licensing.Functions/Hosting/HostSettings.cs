using System.Globalization;
using System.Text.Json;

namespace Licensing.Functions.Hosting;

/// <summary>
/// Values of host.json that the app's own code (and the local host) must agree with: one truth, the file the
/// Functions host reads, parsed once. Absent values take the Functions host's defaults.
/// </summary>
public static class HostSettings
{
    private static readonly Lazy<HostJson> Current = new(() => HostJson.Read(
        new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() }.Select(d => Path.Combine(d, "host.json")).FirstOrDefault(File.Exists)));

    /// <summary>extensions.http.routePrefix without slashes; "api" when absent.</summary>
    public static string RoutePrefix => Current.Value.RoutePrefix;

    public static int MaxDequeueCount => Current.Value.MaxDequeueCount;

    public static TimeSpan VisibilityTimeout => Current.Value.VisibilityTimeout;

    public static TimeSpan MaxPollingInterval => Current.Value.MaxPollingInterval;

    public static int BatchSize => Current.Value.BatchSize;
}

/// <summary>The host.json values the app reads (see <see cref="HostSettings"/>).</summary>
public sealed record HostJson(string RoutePrefix, int MaxDequeueCount, TimeSpan VisibilityTimeout, TimeSpan MaxPollingInterval, int BatchSize)
{
    public static HostJson Defaults { get; } = new("api", 5, TimeSpan.Zero, TimeSpan.FromMinutes(1), 16);

    /// <summary>Reads the file at <paramref name="path"/>; no file gives <see cref="Defaults"/>.</summary>
    public static HostJson Read(string? path)
    {
        if (path is null || !File.Exists(path)) return Defaults;
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var extensions = doc.RootElement.TryGetProperty("extensions", out var e) ? e : default;
        JsonElement? Value(string section, string name) =>
            extensions.ValueKind == JsonValueKind.Object && extensions.TryGetProperty(section, out var s) && s.TryGetProperty(name, out var v) ? v : null;
        static TimeSpan Span(JsonElement v) => TimeSpan.Parse(v.GetString()!, CultureInfo.InvariantCulture);
        return new HostJson(
            Value("http", "routePrefix") is { ValueKind: JsonValueKind.String } prefix ? prefix.GetString()!.Trim('/') : Defaults.RoutePrefix,
            Value("queues", "maxDequeueCount")?.GetInt32() ?? Defaults.MaxDequeueCount,
            Value("queues", "visibilityTimeout") is { } visibility ? Span(visibility) : Defaults.VisibilityTimeout,
            Value("queues", "maxPollingInterval") is { } polling ? Span(polling) : Defaults.MaxPollingInterval,
            Value("queues", "batchSize")?.GetInt32() ?? Defaults.BatchSize);
    }
}
