using Licensing.Domain.Activations;
using Licensing.Domain.Common;
using Licensing.Domain.Email;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;
using Licensing.Domain.Signing;

namespace Licensing.Domain.Trials;

/// <summary>
/// <c>POST /v1/trials</c> (docs/trials.md): claims the trial for its product and e-mail and for its product and site or
/// device in one atomic write (one winner under any concurrency), then issues the trial license under the id the
/// e-mail names, binds it to the site or device, and e-mails the key through the outbox.
/// Trials are not counted in the account's license quota (a public route must not let anyone spend what a founder
/// sells): they are capped per account and UTC day instead (<paramref name="maxPerDay"/>), and a trial is
/// counted when a purchase converts it (<see cref="Billing.TrialConversion"/>).
/// </summary>
public sealed class TrialService(ITrialClaims claims, IProductStore products, ILicenseStore store, IRootSigner signer, LicenseReadCache cache,
    ActivationService activations, EmailOutboxService email, TimeProvider clock, int maxPerDay, ShortKeys.ShortKeyIssuer? shortKeys = null,
    Audit.IChangeNotifier? changes = null)
{
    /// <summary>
    /// Issuance without the license quota (trials have their own daily cap), otherwise as every issuance: the change is
    /// announced at once (license.created), not left to the journal sweep.
    /// </summary>
    private readonly LicenseService _licenses = new(store, products, signer, clock, quotas: null, cache, changes, shortKeys);

    public async Task<License> StartAsync(TrialRequest request, CancellationToken ct)
    {
        var product = await products.GetAsync(request.AccountId, request.ProductId, ct).ConfigureAwait(false);
        var plan = product?.FindPlan(request.Plan);
        if (product is null || plan?.Policy.TrialDays is not { } days) throw new NotFoundException(TrialRules.NotOffered);
        // Checked before anything is claimed: the trial's site or machine is its first activation.
        if (plan.MaxActivations == 0) throw ValidationFailedException.For("plan", "this plan allows no activations, so it cannot run a trial");
        if (request.Target.Domain is { } domain && ActivationRules.IsDevelopmentHost(domain, product.DevelopmentHosts))
            throw ValidationFailedException.For("domain", "development and staging hosts are free on every license: start the trial for the live site");

        var claim = new TrialClaim(request.AccountId, product.Id, TrialRules.EmailKey(request.AccountId, request.CustomerEmail),
            TrialRules.DeviceKey(request.Target), TrialRules.LicenseIdFor(request.AccountId, product.Id, request.CustomerEmail), clock.GetUtcNow());
        await ClaimAsync(claim, product, ct).ConfigureAwait(false);

        var now = clock.GetUtcNow();
        var license = await _licenses.IssueAsync(request.AccountId, Audit.Actor.Customer(),
            new IssueLicenseInput(product.Id, request.CustomerEmail, request.Target.Domain is { } d ? [d] : null, plan.Id, null, now.AddDays(days), null,
                new Dictionary<string, string?> { ["source"] = "trial" })
            { Trial = true }, claim.LicenseId, ct).ConfigureAwait(false);
        if (request.Target.Fingerprint is not null)
            // From the license as stored (with its version): the activation is a conditional write on it.
            license = (await activations.ActivateAsync(await _licenses.GetAsync(license.AccountId, license.Id, ct).ConfigureAwait(false), request.Target,
                null, product.DevelopmentHosts, Audit.Actor.Customer(), ct).ConfigureAwait(false)).License;
        await QueueEmailAsync(license, product, ct).ConfigureAwait(false);
        return license;
    }

    /// <summary>The key e-mail, under one outbox id per trial: queued again, it is still sent once.</summary>
    private Task QueueEmailAsync(License license, Product product, CancellationToken ct) =>
        email.QueueAsync(new OutboxEmail
        {
            AccountId = license.AccountId,
            Id = "trial-" + license.Id,
            Message = TrialEmail.Compose(license, product, $"<trial-{license.Id}@licensing>"),
            CreatedAt = clock.GetUtcNow(),
        }, ct);

    /// <summary>
    /// Wins the claim, or answers why not: 409 when it is taken, 429 when the account's trials for the day are spent.
    /// The same request repeated (same e-mail, same site or device) after one that failed half way finishes what it
    /// left: if the license was written, its key e-mail is queued (sent once whatever happens) and the answer is still
    /// 409; if it was not, the claim is taken over once it is <see cref="TrialRules.ResumeAfter"/> old and the trial is
    /// issued under the same license id, so a repetition can never make a second trial.
    /// </summary>
    private async Task ClaimAsync(TrialClaim claim, Product product, CancellationToken ct)
    {
        var outcome = await claims.AddAsync(claim, maxPerDay, ct).ConfigureAwait(false);
        if (outcome == TrialClaimOutcome.Added) return;
        if (outcome == TrialClaimOutcome.DayFull)
            throw new RateLimitedException("this seller has handed out all of today's trials; try again tomorrow", TrialRules.UntilNextDay(claim.ClaimedAt));
        var (byEmail, byDevice) = await claims.GetAsync(claim, ct).ConfigureAwait(false);
        if (byEmail is null || byEmail.LicenseId != claim.LicenseId || byDevice?.LicenseId != claim.LicenseId) throw new ConflictException(TrialRules.Taken);
        if (await store.GetAsync(claim.AccountId, claim.LicenseId, ct).ConfigureAwait(false) is { } issued)
        {
            await QueueEmailAsync(issued, product, ct).ConfigureAwait(false);
            throw new ConflictException(TrialRules.Taken);
        }
        if (claim.ClaimedAt - byEmail.ClaimedAt < TrialRules.ResumeAfter) throw new ConflictException(TrialRules.Taken);
        try
        {
            await claims.ReplaceAsync(claim, byEmail, ct).ConfigureAwait(false);
        }
        catch (ConcurrencyException)
        {
            throw new ConflictException(TrialRules.Taken); // another repetition resumed it first
        }
    }
}
