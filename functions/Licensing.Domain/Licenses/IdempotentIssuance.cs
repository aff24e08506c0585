using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Licensing.Domain.Common;

namespace Licensing.Domain.Licenses;

/// <summary>
/// One <c>Idempotency-Key</c> of one account on <c>POST /v1/licenses</c>: which request body it was first used with
/// (a hash), and the license id chosen for it before anything was issued. Neither the key nor the license key is
/// stored: the key only as a hash, the license key is read from the license when a response is replayed.
/// </summary>
public sealed record IdempotencyRecord
{
    public required string AccountId { get; init; }
    public required string KeyHash { get; init; }
    public required string RequestHash { get; init; }
    public required string LicenseId { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Set once the license was written and answered; a replay then reads it and never issues again.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    public string? Version { get; init; }
}

public interface IIdempotencyStore
{
    /// <summary>Inserts the record unless its key has one; returns what is stored and whether it was this insert.</summary>
    Task<(IdempotencyRecord Record, bool Added)> AddAsync(IdempotencyRecord record, CancellationToken ct);

    /// <summary>Conditional on <see cref="IdempotencyRecord.Version"/>; <see cref="ConcurrencyException"/> when it changed or is gone.</summary>
    Task<IdempotencyRecord> ReplaceAsync(IdempotencyRecord record, CancellationToken ct);

    /// <summary>Removes the record if it is unchanged since read; otherwise leaves it.</summary>
    Task DeleteAsync(IdempotencyRecord record, CancellationToken ct);
}

/// <summary>
/// <c>POST /v1/licenses</c> with an <c>Idempotency-Key</c> (docs/idempotency.md). The record is claimed with an
/// insert-if-absent before anything is issued, and it carries the license id: every request with that key and body —
/// a retry after a lost response, a retry after a crash at any point, or a twin sent at the same moment — issues that
/// same id, so the first to write the license wins, the others answer with it, and the quota counts it once.
/// </summary>
public sealed class IdempotentIssuance(IIdempotencyStore records, LicenseService licenses, TimeProvider clock)
{
    public const string Header = "Idempotency-Key";
    public const int MaxKeyLength = 255;

    /// <summary>How long a key is bound to its first request; after that it may be used for another one.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>The key from the header's values; null when absent. Empty, repeated, too long or with control characters → 400.</summary>
    public static string? ParseKey(IReadOnlyList<string?> values)
    {
        if (values.Count == 0) return null;
        var key = values[0];
        var problem = values.Count > 1 ? "give it once"
            : string.IsNullOrEmpty(key) ? "must not be empty"
            : key.Length > MaxKeyLength ? $"must be at most {MaxKeyLength} characters"
            : key.Any(char.IsControl) ? "must not contain control characters"
            : null;
        return problem is null ? key : throw ValidationFailedException.For(Header, problem);
    }

    /// <summary>
    /// Issues the license for this key and body once. <c>Replayed</c> is true when an earlier request with the key
    /// started the issuance and this one answers with its license.
    /// </summary>
    public async Task<(License License, bool Replayed)> IssueAsync(string accountId, Audit.Actor actor, string key, IssueLicenseInput input,
        CancellationToken ct)
    {
        var (record, inserted) = await ClaimAsync(accountId, key, RequestHash(input), ct).ConfigureAwait(false);
        if (record.CompletedAt is not null)
        {
            try
            {
                return (await licenses.GetAsync(accountId, record.LicenseId, ct).ConfigureAwait(false), true);
            }
            catch (NotFoundException)
            {
                throw new ConflictException($"the license this {Header} issued has since been deleted; use a new key to issue another");
            }
        }

        License license;
        try
        {
            // Writes the license with the record's id, or answers with it if an earlier attempt or a twin wrote it.
            license = await licenses.IssueAsync(accountId, actor, input, record.LicenseId, ct).ConfigureAwait(false);
        }
        catch (ValidationFailedException) when (inserted)
        {
            // Bad input changes nothing: the key stays free for a corrected request. (Nothing was issued: the input is
            // checked before any write, and a twin with the same body fails the same way.)
            await records.DeleteAsync(record, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        await CompleteAsync(record, ct).ConfigureAwait(false);
        return (license, !inserted);
    }

    private Task<(IdempotencyRecord Record, bool Inserted)> ClaimAsync(string accountId, string key, string requestHash, CancellationToken ct) =>
        Concurrency.RetryAsync(async token =>
        {
            var now = clock.GetUtcNow();
            var fresh = new IdempotencyRecord
            {
                AccountId = accountId,
                KeyHash = Sha256("POST /v1/licenses\n" + key),
                RequestHash = requestHash,
                LicenseId = Ids.NewLicenseId(),
                CreatedAt = now
            };
            var (stored, inserted) = await records.AddAsync(fresh, token).ConfigureAwait(false);
            if (inserted || stored.RequestHash == requestHash) return (stored, inserted);
            if (now - stored.CreatedAt < Retention)
                throw new ConflictException($"this {Header} was already used with a different request body; use a new key for a different request");
            // Past its retention the key is free again: this request takes it over (conditionally: one taker wins).
            return (await records.ReplaceAsync(fresh with { Version = stored.Version }, token).ConfigureAwait(false), true);
        }, ct);

    /// <summary>
    /// Marks the record answered. Best effort: a record left open still leads every retry to this same license, and
    /// one that changed meanwhile was completed by a twin.
    /// </summary>
    private async Task CompleteAsync(IdempotencyRecord record, CancellationToken ct)
    {
        try
        {
            await records.ReplaceAsync(record with { CompletedAt = clock.GetUtcNow() }, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ConcurrencyException or ServiceUnavailableException)
        {
        }
    }

    /// <summary>
    /// The request as parsed (so whitespace, field order and unknown fields do not matter), with metadata keys sorted
    /// and the expiry in UTC, hashed.
    /// </summary>
    public static string RequestHash(IssueLicenseInput input) => Sha256(JsonSerializer.Serialize(input with
    {
        ExpiresAt = input.ExpiresAt?.ToUniversalTime(),
        Metadata = input.Metadata is null ? null : new SortedDictionary<string, string?>(input.Metadata.ToDictionary(), StringComparer.Ordinal),
    }));

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
