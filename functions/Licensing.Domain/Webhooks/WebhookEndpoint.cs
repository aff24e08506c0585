namespace Licensing.Domain.Webhooks;

/// <summary>
/// Where an account's webhooks go and which events it receives. The signing secret is not part of it: it lives in the
/// secret store (<see cref="WebhookSecrets"/>), never in the endpoint's entity.
/// </summary>
public sealed record WebhookEndpoint
{
    public const string IdPrefix = "whep_";

    public required string AccountId { get; init; }
    public required string Id { get; init; }
    public required string Url { get; init; }
    public required IReadOnlyList<string> Events { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Set when deliveries stopped for good (410 Gone, or the retry schedule ran out); a disabled endpoint receives nothing.</summary>
    public DateTimeOffset? DisabledAt { get; init; }

    public string? DisabledReason { get; init; }

    public string? Version { get; init; }

    public bool Enabled => DisabledAt is null;

    public static bool IsId(string? value) =>
        value is { Length: 29 } && value.StartsWith(IdPrefix, StringComparison.Ordinal) && !value.AsSpan(IdPrefix.Length).ContainsAnyExcept("0123456789abcdef");
}

/// <summary>Names of endpoint secrets in the secret store (Key Vault in Azure: letters, digits and dashes).</summary>
public static class WebhookSecrets
{
    public static string Name(string accountId, string endpointId) => $"webhook-{accountId.Replace('_', '-')}-{endpointId.Replace('_', '-')}";
}
