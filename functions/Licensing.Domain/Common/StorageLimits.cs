namespace Licensing.Domain.Common;

/// <summary>
/// What fits in one Table storage entity (Azure Table storage; Cosmos DB for Table allows more): a string property
/// holds at most 32 Ki UTF-16 characters (64 KiB), an entity at most 1 MiB. Long text is stored in chunks of
/// <see cref="ChunkChars"/> over several properties (<c>Name</c>, <c>Name1</c>, <c>Name2</c>, ...), and each such field has a budget
/// of chunks chosen so that every documented input limit fits at its maximum with worst-case characters, and the
/// budgets of one entity together stay under 1 MiB (docs/storage.md). A field over its budget is refused as
/// VALIDATION_FAILED naming the field, before anything is written.
/// </summary>
public static class StorageLimits
{
    public const int MaxStringChars = 32 * 1024;
    public const int MaxEntityBytes = 1024 * 1024;
    public const int ChunkChars = 30_000;

    /// <summary>
    /// Throws VALIDATION_FAILED for <paramref name="field"/> when <paramref name="stored"/> needs more than <paramref name="maxChunks"/> chunks.
    /// </summary>
    public static void Require(string field, string stored, int maxChunks)
    {
        if (stored.Length > maxChunks * ChunkChars)
            throw ValidationFailedException.For(field,
                $"is {stored.Length} characters once stored (quotes and backslashes count twice,"
                + " control characters and characters outside the Basic Multilingual Plane six times per UTF-16 unit);"
                + $" at most {maxChunks * ChunkChars} fit");
    }
}
