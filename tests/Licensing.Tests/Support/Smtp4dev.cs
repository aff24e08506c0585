using System.Net.Http.Json;
using System.Text.Json;

namespace Licensing.Tests.Support;

/// <summary>The smtp4dev server scripts/test.sh starts (SMTP 127.0.0.1:2525, API http://127.0.0.1:5000).</summary>
public static class Smtp4dev
{
    public const int SmtpPort = 2525;
    // smtp4dev is shared by every suite running on the machine: the timeout only bounds a hang, it is not a latency budget.
    private static readonly HttpClient Http = new() { BaseAddress = new Uri("http://127.0.0.1:5000/"), Timeout = TimeSpan.FromSeconds(60) };

    public sealed record Message(string Id, string Subject, IReadOnlyList<string> To);

    public static async Task RequireAsync()
    {
        try
        {
            (await Http.GetAsync("api/messages?pageSize=1")).EnsureSuccessStatusCode();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            throw new InvalidOperationException("smtp4dev is not running on 127.0.0.1:5000/2525: run the tests with scripts/test.sh, which starts it.", e);
        }
    }

    /// <summary>
    /// The messages to <paramref name="recipient"/>, searched by smtp4dev itself: a page of the newest messages of the whole
    /// server would miss them once other suites (a burst of a thousand e-mails) have sent more since.
    /// </summary>
    public static async Task<IReadOnlyList<Message>> MessagesToAsync(string recipient)
    {
        var page = await Http.GetFromJsonAsync<JsonElement>("api/messages?pageSize=500&searchTerms=" + Uri.EscapeDataString(recipient));
        return page.GetProperty("results").EnumerateArray()
            .Select(m => new Message(m.GetProperty("id").GetString()!, m.GetProperty("subject").GetString() ?? "",
                m.GetProperty("to").EnumerateArray().Select(t => t.GetString()!).ToArray()))
            .Where(m => m.To.Any(t => t.Contains(recipient, StringComparison.OrdinalIgnoreCase)))
            .ToArray();
    }

    public static Task<string> PlainTextAsync(string id) => Http.GetStringAsync($"api/messages/{id}/plaintext");

    public static Task<string> HtmlAsync(string id) => Http.GetStringAsync($"api/messages/{id}/html");

    /// <summary>Waits until <paramref name="count"/> messages reached <paramref name="recipient"/> (or the timeout).</summary>
    public static async Task<IReadOnlyList<Message>> WaitForAsync(string recipient, int count, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var messages = await MessagesToAsync(recipient);
            if (messages.Count >= count || DateTime.UtcNow > until) return messages;
            await Task.Delay(100);
        }
    }
}
