using System.Text.Json;

namespace Licensing.Cli;

/// <summary>
/// The saved login: the API base URL and a credential (an account API key, or a session from a sign-in link with its
/// expiry). Kept in <c>config.json</c> in the user's config directory, readable by the user only (mode 600 on Unix).
/// <c>LICENSING_URL</c> and <c>LICENSING_API_KEY</c> override it (for CI scripts), and so do <c>--url</c>/<c>--api-key</c>.
/// </summary>
public sealed record Profile(string Url, string Token, string Kind, string? AccountId, DateTimeOffset? ExpiresAt)
{
    public const string DefaultUrl = "http://127.0.0.1:7071/api/";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string PathIn(string directory) => System.IO.Path.Combine(directory, "config.json");

    public static Profile? Load(string directory)
    {
        var path = PathIn(directory);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<Profile>(File.ReadAllText(path), Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Writes the file so that no other user can read it at any moment: created with mode 600, then filled.</summary>
    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = PathIn(directory);
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temp, options))
        {
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            JsonSerializer.Serialize(stream, this, Json);
        }
        File.Move(temp, path, overwrite: true);
    }

    public static bool Delete(string directory)
    {
        var path = PathIn(directory);
        if (!File.Exists(path)) return false;
        File.Delete(path);
        return true;
    }
}
