namespace Licensing.Domain.Audit;

/// <summary>
/// A table outside licenses that may hold a customer's address in what it stored (a webhook body, a provider's raw
/// event, a redeemed code): <see cref="EraseAsync"/>(account, address) redacts it there. Each capability registers its
/// own; <see cref="PersonalDataEraser"/> runs every one on <c>POST /v1/customers/erase</c>.
/// </summary>
public sealed record CustomerDataErasure(string Table, Func<string, string, CancellationToken, Task<int>> EraseAsync);
