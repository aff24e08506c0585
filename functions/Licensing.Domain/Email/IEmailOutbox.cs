namespace Licensing.Domain.Email;

public interface IEmailOutbox
{
    /// <summary>Adds the e-mail unless one with its id exists; true when added.</summary>
    Task<bool> AddAsync(OutboxEmail email, CancellationToken ct);

    Task<OutboxEmail?> GetAsync(string accountId, string id, CancellationToken ct);

    /// <summary>Conditional on <see cref="OutboxEmail.Version"/>; <see cref="Common.ConcurrencyException"/> if it changed.</summary>
    Task<OutboxEmail> ReplaceAsync(OutboxEmail email, CancellationToken ct);
}
