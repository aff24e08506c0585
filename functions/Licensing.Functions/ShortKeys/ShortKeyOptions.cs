namespace Licensing.Functions.ShortKeys;

/// <summary>
/// The MAC secrets of short keys (<c>Licensing:ShortKeys</c>, docs/configuration.md). In Azure each version is an app
/// setting <c>Licensing__ShortKeys__Secrets__N</c> holding a Key Vault reference to the secret <c>short-key-N</c>, and
/// <c>Licensing__ShortKeys__CurrentVersion</c> names the version new keys use. With no secrets configured (local runs) they
/// come from <see cref="LocalPath"/>, created on first run.
/// </summary>
public sealed class ShortKeyOptions
{
    /// <summary>The shortest secret accepted: 256 bits.</summary>
    public const int MinSecretBytes = 32;

    /// <summary>The version (1-31) new keys are made with; unset: the highest version held. Text, so a bad value is named at start-up.</summary>
    public string? CurrentVersion { get; set; }

    /// <summary>Base64 secrets by version (1-31). Old versions stay while keys made with them are in use.</summary>
    public Dictionary<string, string?> Secrets { get; set; } = [];

    /// <summary>Local runs only: the file of secrets (lines <c>version base64</c>), created with version 1 on first run.</summary>
    public string LocalPath { get; set; } = ".local/short-key-secrets";
}
