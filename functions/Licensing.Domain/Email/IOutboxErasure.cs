namespace Licensing.Domain.Email;

/// <summary>Erasure's view of the outbox: every e-mail of the account to one address goes (sent or not).</summary>
public interface IOutboxErasure
{
    /// <summary>Deletes the account's outbox e-mails to <paramref name="email"/> (compared case-insensitively); returns how many.</summary>
    Task<int> DeleteToAsync(string accountId, string email, CancellationToken ct);
}
