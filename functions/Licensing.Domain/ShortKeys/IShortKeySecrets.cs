namespace Licensing.Domain.ShortKeys;

/// <summary>
/// The MAC secrets of short keys, by version (1-31), loaded once at start-up: Key Vault secrets referenced from app
/// settings in Azure, a local file otherwise (docs/license-keys.md, "Short keys"). Never logged, never stored in tables.
/// </summary>
public interface IShortKeySecrets
{
    /// <summary>The version new keys are made with.</summary>
    int CurrentVersion { get; }

    /// <summary>The secret of <paramref name="version"/>, or null when that version is not (or no longer) kept.</summary>
    byte[]? Get(int version);
}
