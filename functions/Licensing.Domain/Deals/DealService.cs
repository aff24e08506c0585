using Licensing.Domain.Common;
using Licensing.Domain.Email;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;

namespace Licensing.Domain.Deals;

public sealed record RedeemResult(License License, int StackedCodes);

/// <summary>What a batch did: its id, the generated codes (shown once), how many codes were added and how many the account already held.</summary>
public sealed record CodeBatch(string BatchId, IReadOnlyList<string> Codes, int Added, int Skipped);

/// <summary>
/// Lifetime deals: batches of single-use codes for a lifetime plan; a public redeem that creates (or stacks onto)
/// the customer's license and e-mails it; a refund that takes back what the code granted. docs/lifetime-deals.md.
/// Codes belong to the account that created or imported them: two accounts may hold the same code, and nothing here
/// lets one account learn whether another holds a code.
/// </summary>
public sealed class DealService(ICodeStore codes, IProductStore products, LicenseService licenses, EmailOutboxService email, TimeProvider clock)
{
    public const int MaxBatch = 10_000;

    /// <summary>
    /// Lost races allowed when stacking a code onto the customer's license: every code one customer redeems lands on
    /// that one license, so a customer (or their script) redeeming many codes at once makes it a hot spot.
    /// </summary>
    public const int StackingAttempts = 64;

    /// <summary>
    /// Generates <paramref name="count"/> codes or imports <paramref name="imported"/> ones. Importing is idempotent
    /// within the account: a code it already holds for the same product and plan is skipped; one it holds for another
    /// product or plan refuses the batch (409) and nothing is added.
    /// </summary>
    public async Task<CodeBatch> CreateBatchAsync(string accountId, string productId, string? planId, int? count, IReadOnlyList<string?>? imported,
        CancellationToken ct)
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

        var product = await products.GetAsync(accountId, productId, ct).ConfigureAwait(false)
            ?? throw new NotFoundException($"product '{productId}' not found");
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
        var written = await codes.AddAsync(records, imported is not null, ct).ConfigureAwait(false);

        // Held for this same product and plan: imported before, skipped. Anything else (or a generated code, which must be new) refuses the batch.
        var clashes = written.Held.Where(h => imported is null || h.ProductId != productId || h.Plan != plan.Id).Select(h => h.Hash).ToHashSet();
        if (clashes.Count > 0)
        {
            await codes.DeleteAsync(written.Added, ct).ConfigureAwait(false);
            if (imported is null) throw new ConflictException("a generated code collided with one this account holds; nothing was added, try again");
            var at = records.Select((r, i) => (r.Hash, i)).Where(x => clashes.Contains(x.Hash)).Select(x => $"codes[{x.i}]").ToList();
            throw new ConflictException($"{string.Join(", ", at.Take(10))}{(at.Count > 10 ? $" and {at.Count - 10} more" : "")}"
                + " already belong to another product or plan of this account; nothing was added");
        }
        return new CodeBatch(batchId, imported is null ? shown : [], written.Added.Count, written.Held.Count);
    }

    /// <summary>
    /// Redeems a code of account <paramref name="accountId"/> for a customer. Single use under any concurrency: the code
    /// moves available → redeeming → redeemed by ETag-conditional writes, and only the customer whose request won the
    /// first move goes on; that customer's concurrent or repeated requests finish the same redemption. A crash in
    /// between is finished by the same customer redeeming the same code again.
    /// </summary>
    public async Task<RedeemResult> RedeemAsync(string? accountId, string? code, string? customerEmail, string? domain, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (!Ids.IsAccountId(accountId)) errors.Add("accountId", "is required: the public id (acct_...) of the account that sold the code");
        var address = EmailAddress.Normalize(customerEmail);
        if (address is null) errors.Add("email", "must be a valid e-mail address");
        if (string.IsNullOrWhiteSpace(code)) errors.Add("code", "is required");
        errors.ThrowIfAny();

        var found = await FindAsync(accountId!, code, ct).ConfigureAwait(false) ?? throw new NotFoundException("this code is not valid; check it for typos");
        var lookup = EmailAddress.LookupKey(address!);
        var record = await Concurrency.RetryAsync(async token =>
        {
            var current = await codes.GetAsync(found.AccountId, found.Hash, token).ConfigureAwait(false)
                ?? throw new NotFoundException("this code is not valid");
            return current.State switch
            {
                CodeRecord.Available => await codes.ReplaceAsync(
                    current with { State = CodeRecord.Redeeming, Email = lookup, RedeemedAt = clock.GetUtcNow() }, token).ConfigureAwait(false),
                CodeRecord.Redeeming when current.Email == lookup => current,
                CodeRecord.Refunded => throw new ConflictException("this code was refunded"),
                _ => throw new ConflictException("this code has already been redeemed"),
            };
        }, ct).ConfigureAwait(false);

        var product = await products.GetAsync(record.AccountId, record.ProductId, ct).ConfigureAwait(false)
            ?? throw new NotFoundException("the product of this code no longer exists");
        var plan = product.FindPlan(record.Plan) ?? throw new ConflictException("the plan of this code no longer exists");
        var licenseId = LicenseIdFor(record.AccountId, record.ProductId, lookup);
        var license = await licenses.IssueAsync(record.AccountId, Audit.Actor.Customer(),
            new IssueLicenseInput(product.Id, address, domain is null ? null : [domain], plan.Id, null, null, null,
                new Dictionary<string, string?> { ["source"] = "lifetime-deal" }), licenseId, ct).ConfigureAwait(false);

        // Stack this code onto the license (idempotent: a code is counted once).
        var maxCodes = Math.Max(1, plan.Policy.MaxStackedCodes);
        license = await licenses.ApplyAsync(record.AccountId, license.Id, Audit.Actor.Customer(), (l, now) =>
        {
            if (l.RedeemedCodes.Contains(record.Hash)) return null;
            if (l.RedeemedCodes.Count >= maxCodes) throw new ConflictException($"at most {maxCodes} codes can be stacked on one license");
            var stacked = l.RedeemedCodes.Append(record.Hash).ToArray();
            return l with
            {
                RedeemedCodes = stacked,
                MaxActivations = StackedLimit(plan, stacked.Length),
                Status = l.Status == LicenseStatus.Revoked ? LicenseStatus.Active : l.Status,
                StatusReason = null
            };
        }, StackingAttempts, ct).ConfigureAwait(false);

        // redeeming → redeemed, re-read on a lost race: this customer's concurrent requests finish the same redemption.
        await Concurrency.RetryAsync(async token =>
        {
            var current = await codes.GetAsync(record.AccountId, record.Hash, token).ConfigureAwait(false)
                ?? throw new NotFoundException("this code is not valid");
            return current switch
            {
                { State: CodeRecord.Redeeming, Email: var e } when e == lookup =>
                    await codes.ReplaceAsync(current with { State = CodeRecord.Redeemed, LicenseId = license.Id }, token).ConfigureAwait(false),
                { State: CodeRecord.Redeemed, LicenseId: var id } when id == license.Id => current,
                { State: CodeRecord.Refunded } => throw new ConflictException("this code was refunded"),
                _ => throw new ConflictException("this code has already been redeemed"),
            };
        }, ct).ConfigureAwait(false);
        await email.QueueAsync(new OutboxEmail
        {
            AccountId = record.AccountId,
            Id = $"redeem-{license.Id}-{license.RedeemedCodes.Count}",
            Message = LicenseEmail.Compose(license, product, $"<redeem-{license.Id}-{license.RedeemedCodes.Count}@licensing>"),
            CreatedAt = clock.GetUtcNow(),
        }, ct).ConfigureAwait(false);
        return new RedeemResult(license, license.RedeemedCodes.Count);
    }

    /// <summary>The account's record of a typed code, trying each form it may stand for.</summary>
    private async Task<CodeRecord?> FindAsync(string accountId, string? code, CancellationToken ct)
    {
        foreach (var candidate in RedemptionCode.Candidates(code))
            if (await codes.GetAsync(accountId, RedemptionCode.Hash(candidate), ct).ConfigureAwait(false) is { } record) return record;
        return null;
    }

    /// <summary>
    /// A refunded code takes back what it granted: one code's activations, or the license if it was the last code.
    /// Repeating a refund (or finishing one that stopped half way) changes nothing more.
    /// </summary>
    public async Task<License?> RefundAsync(string accountId, string? code, Audit.Actor actor, CancellationToken ct)
    {
        var found = await FindAsync(accountId, code, ct).ConfigureAwait(false) ?? throw new NotFoundException("no such code");
        var refunded = await Concurrency.RetryAsync(async token =>
        {
            var current = await codes.GetAsync(accountId, found.Hash, token).ConfigureAwait(false) ?? throw new NotFoundException("no such code");
            return current.State == CodeRecord.Refunded ? current
                : await codes.ReplaceAsync(current with { State = CodeRecord.Refunded }, token).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
        if (refunded.LicenseId is null) return null;
        var product = await products.GetAsync(accountId, refunded.ProductId, ct).ConfigureAwait(false);
        var plan = product?.FindPlan(refunded.Plan);
        return await licenses.ApplyAsync(accountId, refunded.LicenseId, actor, (l, now) =>
        {
            if (!l.RedeemedCodes.Contains(refunded.Hash)) return null;
            var left = l.RedeemedCodes.Where(h => h != refunded.Hash).ToArray();
            return left.Length == 0
                ? l with { RedeemedCodes = left, Status = LicenseStatus.Revoked, StatusReason = "refund" }
                : l with { RedeemedCodes = left, MaxActivations = plan is null ? l.MaxActivations : StackedLimit(plan, left.Length) };
        }, StackingAttempts, ct).ConfigureAwait(false);
    }

    /// <summary>Each stacked code adds the plan's activations (null stays unlimited).</summary>
    public static int? StackedLimit(Plan plan, int codes) => plan.MaxActivations is { } per ? per * codes : null;

    public static string LicenseIdFor(string accountId, string productId, string emailKey) =>
        Ids.LicensePrefix + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes($"deal:{accountId}:{productId}:{emailKey}")).AsSpan(0, Ids.LicenseIdBytes));
}
