namespace Licensing.Domain.Accounts;

public sealed record Account(string Id, string Name, string Email, DateTimeOffset CreatedAt, string Tier = "free");
