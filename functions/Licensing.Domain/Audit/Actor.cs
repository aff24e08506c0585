namespace Licensing.Domain.Audit;

/// <summary>
/// Who made a change, as the audit log names it: an account API key (its id, never the key), a dashboard session
/// (its id), the admin key, the system (a timer, or a payment-provider event: its event id) or a customer (a shipped
/// product calling activate/deactivate, or the customer portal).
/// </summary>
public sealed record Actor(string Type, string? Id)
{
    public const string ApiKeyType = "apiKey";
    public const string SessionType = "session";
    public const string AdminType = "admin";
    public const string SystemType = "system";
    public const string CustomerType = "customer";

    public static Actor ApiKey(string keyId) => new(ApiKeyType, keyId);
    public static Actor Session(string sessionId) => new(SessionType, sessionId);
    public static Actor Admin { get; } = new(AdminType, null);
    public static Actor System(string? source = null) => new(SystemType, source);
    private static readonly Actor AnyCustomer = new(CustomerType, null);

    /// <summary>A customer; without an id one shared instance, so the public activation path allocates none.</summary>
    public static Actor Customer(string? id = null) => id is null ? AnyCustomer : new(CustomerType, id);
}
