using Licensing.Domain.Common;
using Licensing.Domain.Email;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;

namespace Licensing.Domain.Deals;

public sealed record CodeRecord
{
    public required string Hash { get; init; }
    public required string AccountId { get; init; }
    public required string ProductId { get; init; }
    public required string Plan { get; init; }
    public required string BatchId { get; init; }
    public string State { get; init; } = Available;
    public string? Email { get; init; }
    public string? LicenseId { get; init; }
    public DateTimeOffset? RedeemedAt { get; init; }
    public string? Version { get; init; }

    public const string Available = "available";
    public const string Redeeming = "redeeming";
    public const string Redeemed = "redeemed";
    public const string Refunded = "refunded";
}

public interface ICodeStore
{
    /// <summary>Adds codes (hashes); false for a hash that already exists (the batch is refused then).</summary>
    Task AddBatchAsync(IReadOnlyList<CodeRecord> codes, CancellationToken ct);

    Task<CodeRecord?> GetAsync(string hash, CancellationToken ct);

    /// <summary>Conditional on <see cref="CodeRecord.Version"/>; <see cref="ConcurrencyException"/> when it changed.</summary>
    Task<CodeRecord> ReplaceAsync(CodeRecord code, CancellationToken ct);
}

public sealed record RedeemResult(License License, int StackedCodes);

/// <summary>
/// Lifetime deals: batches of single-use codes for a lifetime plan; a public redeem that creates (or stacks onto)
/// the customer's license and e-mails it; a refund that takes back what the code granted. docs/lifetime-deals.md.
/// </summary>
public sealed class DealService(ICodeStore codes, IProductStore products, LicenseService licenses, EmailOutboxService email, TimeProvider clock)
{
    public const int MaxBatch = 10_000;

    public async Task<(string BatchId, IReadOnlyList<string> Codes)> CreateBatchAsync(string accountId, string productId, string? planId, int? count, IReadOnlyList<string?>? imported, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (!Naming.IsSlug(planId)) errors.Add("plan", "is required");
        if ((count is null) == (imported is null)) errors.Add("count", "give either count (to generate) or codes (to import)");
        if (count is { } n && (n < 1 || n > MaxBatch)) errors.Add("count", $"must be 1-{MaxBatch}");
        if (imported is { Count: 0 or > MaxBatch }) errors.Add("codes", $"1-{MaxBatch} codes");
        var canonical = new List<string>();
        if (imported is not null)
            for (var i = 0; i < imported.Count; i++)
                if (RedemptionCode.CanonicalImported(imported[i]) is { } c) canonical.Add(c);
                else errors.Add($"codes[{i}]", "a code is 6-64 characters of letters, digits and '-'");
        errors.ThrowIfAny();
        if (canonical.Distinct().Count() != canonical.Count) throw ValidationFailedException.For("codes", "contains duplicates");

        var product = await products.GetAsync(accountId, productId, ct).ConfigureAwait(false) ?? throw new NotFoundException($"product '{productId}' not found");
        var plan = product.FindPlan(planId!) ?? throw ValidationFailedException.For("plan", $"product '{productId}' has no plan '{planId}'");
        if (plan.Model != LicenseModel.Lifetime) throw ValidationFailedException.For("plan", "redemption codes are for lifetime plans");

        var shown = imported is null ? Enumerable.Range(0, count!.Value).Select(_ => RedemptionCode.Generate()).ToList() : canonical;
        var batchId = "batch_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        var records = shown.Select(code => new CodeRecord
        {
            Hash = RedemptionCode.Hash(imported is null ? RedemptionCode.CanonicalGenerated(code)! : code),
            AccountId = accountId,
            ProductId = productId,
            Plan = plan.Id,
            BatchId = batchId,
        }).ToList();
        await codes.AddBatchAsync(records, ct).ConfigureAwait(false);
        return (batchId, imported is null ? shown : []);
    }

    /// <summary>
    /// Redeems a code for a customer. Single use under any concurrency: the code moves available → redeeming → redeemed
    /// by ETag-conditional writes, and only the request that won the first move goes on. A crash in between is finished
    /// by the same customer redeeming the same code again.
    /// </summary>
    public async Task<RedeemResult> RedeemAsync(string? code, string? customerEmail, string? domain, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var address = EmailAddress.Normalize(customerEmail);
        if (address is null) errors.Add("email", "must be a valid e-mail address");
        if (string.IsNullOrWhiteSpace(code)) errors.Add("code", "is required");
        errors.ThrowIfAny();

        CodeRecord? record = null;
        foreach (var candidate in RedemptionCode.Candidates(code))
            if ((record = await codes.GetAsync(RedemptionCode.Hash(candidate), ct).ConfigureAwait(false)) is not null) break;
        if (record is null) throw new NotFoundException("this code is not valid; check it for typos");

        var lookup = EmailAddress.LookupKey(address!);
        record = await Concurrency.RetryAsync(async token =>
        {
            var current = await codes.GetAsync(record.Hash, token).ConfigureAwait(false) ?? throw new NotFoundException("this code is not valid");
            return current.State switch
            {
                CodeRecord.Available => await codes.ReplaceAsync(current with { State = CodeRecord.Redeeming, Email = lookup, RedeemedAt = clock.GetUtcNow() }, token).ConfigureAwait(false),
                CodeRecord.Redeeming when current.Email == lookup => current,
                CodeRecord.Refunded => throw new ConflictException("this code was refunded"),
                _ => throw new ConflictException("this code has already been redeemed"),
            };
        }, ct).ConfigureAwait(false);

        var product = await products.GetAsync(record.AccountId, record.ProductId, ct).ConfigureAwait(false) ?? throw new NotFoundException("the product of this code no longer exists");
        var plan = product.FindPlan(record.Plan) ?? throw new ConflictException("the plan of this code no longer exists");
        var licenseId = LicenseIdFor(record.AccountId, record.ProductId, lookup);
        var license = await licenses.IssueAsync(record.AccountId, new IssueLicenseInput(product.Id, address, domain is null ? null : [domain], plan.Id, null, null, null,
            new Dictionary<string, string?> { ["source"] = "lifetime-deal" }), licenseId, ct).ConfigureAwait(false);

        // Stack this code onto the license (idempotent: a code is counted once).
        var maxCodes = Math.Max(1, plan.Policy.MaxStackedCodes);
        license = await licenses.ApplyAsync(record.AccountId, license.Id, (l, now) =>
        {
            if (l.RedeemedCodes.Contains(record.Hash)) return null;
            if (l.RedeemedCodes.Count >= maxCodes) throw new ConflictException($"at most {maxCodes} codes can be stacked on one license");
            var stacked = l.RedeemedCodes.Append(record.Hash).ToArray();
            return l with { RedeemedCodes = stacked, MaxActivations = StackedLimit(plan, stacked.Length), Status = l.Status == LicenseStatus.Revoked ? LicenseStatus.Active : l.Status, StatusReason = null };
        }, ct).ConfigureAwait(false);

        await codes.ReplaceAsync(record with { State = CodeRecord.Redeemed, LicenseId = license.Id }, ct).ConfigureAwait(false);
        await email.QueueAsync(new OutboxEmail
        {
            AccountId = record.AccountId,
            Id = $"redeem-{license.Id}-{license.RedeemedCodes.Count}",
            Message = LicenseEmail.Compose(license, product, $"<redeem-{license.Id}-{license.RedeemedCodes.Count}@licensing>"),
            CreatedAt = clock.GetUtcNow(),
        }, ct).ConfigureAwait(false);
        return new RedeemResult(license, license.RedeemedCodes.Count);
    }

    /// <summary>A refunded code takes back what it granted: one code's activations, or the license if it was the last code.</summary>
    public async Task<License?> RefundAsync(string accountId, string? code, CancellationToken ct)
    {
        CodeRecord? record = null;
        foreach (var candidate in RedemptionCode.Candidates(code))
            if ((record = await codes.GetAsync(RedemptionCode.Hash(candidate), ct).ConfigureAwait(false)) is not null) break;
        if (record is null || record.AccountId != accountId) throw new NotFoundException("no such code");
        if (record.State == CodeRecord.Refunded) return record.LicenseId is null ? null : await licenses.GetAsync(accountId, record.LicenseId, ct).ConfigureAwait(false);
        var updated = await codes.ReplaceAsync(record with { State = CodeRecord.Refunded }, ct).ConfigureAwait(false);
        if (updated.LicenseId is null) return null;
        var product = await products.GetAsync(accountId, record.ProductId, ct).ConfigureAwait(false);
        var plan = product?.FindPlan(record.Plan);
        return await licenses.ApplyAsync(accountId, updated.LicenseId, (l, now) =>
        {
            if (!l.RedeemedCodes.Contains(record.Hash)) return null;
            var left = l.RedeemedCodes.Where(h => h != record.Hash).ToArray();
            return left.Length == 0
                ? l with { RedeemedCodes = left, Status = LicenseStatus.Revoked, StatusReason = "refund" }
                : l with { RedeemedCodes = left, MaxActivations = plan is null ? l.MaxActivations : StackedLimit(plan, left.Length) };
        }, ct).ConfigureAwait(false);
    }

    /// <summary>Each stacked code adds the plan's activations (null stays unlimited).</summary>
    public static int? StackedLimit(Plan plan, int codes) => plan.MaxActivations is { } per ? per * codes : null;

    public static string LicenseIdFor(string accountId, string productId, string emailKey) =>
        Ids.LicensePrefix + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"deal:{accountId}:{productId}:{emailKey}")).AsSpan(0, Ids.LicenseIdBytes));
}
