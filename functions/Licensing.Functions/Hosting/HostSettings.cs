using System.Text.Json;

namespace Licensing.Functions.Hosting;

/// <summary>
/// Values of host.json that the app's own code must agree with (one truth: the file the Functions host reads).
/// </summary>
public static class HostSettings
{
    private static readonly Lazy<JsonDocument?> Document = new(() =>
    {
        foreach (var dir in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            var path = Path.Combine(dir, "host.json");
            if (File.Exists(path)) return JsonDocument.Parse(File.ReadAllText(path));
        }
        return null;
    });

    public static int MaxDequeueCount => QueueSetting("maxDequeueCount", e => e.GetInt32(), 5);

    public static TimeSpan VisibilityTimeout => QueueSetting("visibilityTimeout", e => TimeSpan.Parse(e.GetString()!, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.Zero);

    public static TimeSpan MaxPollingInterval => QueueSetting("maxPollingInterval", e => TimeSpan.Parse(e.GetString()!, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromMinutes(1));

    public static int BatchSize => QueueSetting("batchSize", e => e.GetInt32(), 16);

    private static T QueueSetting<T>(string name, Func<JsonElement, T> read, T fallback) =>
        Document.Value is { } doc && doc.RootElement.TryGetProperty("extensions", out var ext) && ext.TryGetProperty("queues", out var queues) &&
        queues.TryGetProperty(name, out var value) ? read(value) : fallback;
}
