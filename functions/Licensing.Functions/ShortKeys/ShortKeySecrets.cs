using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Licensing.Domain.ShortKeys;
using Licensing.Domain.Signing;
using Licensing.Functions.Hosting;

namespace Licensing.Functions.ShortKeys;

/// <summary>
/// The short-key secrets, read once: from app settings (Key Vault references, resolved by the platform) when any are set,
/// else from the local file (<see cref="LocalSecretFile"/>). A setting that is not a base64 secret of at least 256 bits
/// (for example a Key Vault reference the platform could not resolve) is refused by <see cref="Check"/> at start-up.
/// </summary>
public sealed class ShortKeySecrets : IShortKeySecrets
{
    private readonly Dictionary<int, byte[]> _secrets;

    public ShortKeySecrets(ShortKeyOptions options)
    {
        var failures = Check(options);
        if (failures.Count > 0) throw new InvalidOperationException(string.Join(" ", failures));
        _secrets = options.Secrets.Count > 0
            ? options.Secrets.ToDictionary(s => int.Parse(s.Key, CultureInfo.InvariantCulture), s => Convert.FromBase64String(s.Value!))
            : LocalSecretFile.LoadOrCreate(options.LocalPath, NewLocalFile, ParseLocalFile);
        CurrentVersion = Version(options.CurrentVersion) ?? _secrets.Keys.Max();
        if (!_secrets.ContainsKey(CurrentVersion))
            throw new InvalidOperationException($"Licensing:ShortKeys:CurrentVersion is {CurrentVersion}, but no secret of that version is configured.");
    }

    public int CurrentVersion { get; }

    public byte[]? Get(int version) => _secrets.GetValueOrDefault(version);

    /// <summary>What is wrong with configured secrets (none configured: nothing; the local file is used), each naming its setting.</summary>
    public static List<string> Check(ShortKeyOptions options)
    {
        var failures = new List<string>();
        foreach (var (name, value) in options.Secrets)
        {
            var setting = $"Licensing__ShortKeys__Secrets__{name}";
            if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version is < 1 or > ShortKey.MaxVersion)
                failures.Add($"App setting {setting}: short-key versions are 1-{ShortKey.MaxVersion}.");
            else if (value?.StartsWith("@Microsoft.KeyVault(", StringComparison.Ordinal) == true)
                failures.Add($"App setting {setting} is a Key Vault reference the platform did not resolve: create the secret short-key-{name}"
                    + " (docs/license-keys.md, \"Short-key secrets\") and give the app's identity read access.");
            else if (!IsSecret(value))
                failures.Add($"App setting {setting} must be a base64 secret of at least {ShortKeyOptions.MinSecretBytes} bytes.");
        }
        if (options.CurrentVersion is { } text && Version(text) is not { } current)
            failures.Add($"Licensing:ShortKeys:CurrentVersion must be a version of 1-{ShortKey.MaxVersion}.");
        else if (Version(options.CurrentVersion) is { } named && options.Secrets.Count > 0
            && !options.Secrets.ContainsKey(named.ToString(CultureInfo.InvariantCulture)))
            failures.Add($"Licensing:ShortKeys:CurrentVersion is {named}, but Licensing__ShortKeys__Secrets__{named} is not set.");
        return failures;
    }

    private static int? Version(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v is >= 1 and <= ShortKey.MaxVersion ? v : null;

    private static bool IsSecret(string? value)
    {
        Span<byte> buffer = stackalloc byte[512];
        return value is not null && Convert.TryFromBase64String(value, buffer, out var n) && n >= ShortKeyOptions.MinSecretBytes;
    }

    private static byte[] NewLocalFile() =>
        Encoding.ASCII.GetBytes($"1 {Convert.ToBase64String(RandomNumberGenerator.GetBytes(ShortKeyOptions.MinSecretBytes))}\n");

    /// <summary>Lines <c>version base64</c>; a file with no complete line is still being written (<see cref="FormatException"/>).</summary>
    private static Dictionary<int, byte[]> ParseLocalFile(string text)
    {
        var secrets = new Dictionary<int, byte[]>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(' ', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var version) || version is < 1 or > ShortKey.MaxVersion
                || !IsSecret(parts[1]))
                throw new FormatException("each line of the short-key secrets file is 'version base64' with a secret of at least 32 bytes");
            secrets[version] = Convert.FromBase64String(parts[1]);
        }
        return secrets.Count > 0 ? secrets : throw new FormatException("the short-key secrets file holds no secret");
    }
}
