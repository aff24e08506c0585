namespace Licensing.Domain.Licenses;

/// <summary>A field of a PATCH: absent (leave it), or given with a value (which may be null where null means something).</summary>
public readonly record struct PatchField<T>(bool Given, T Value)
{
    public static PatchField<T> Absent => default;

    public static PatchField<T> Of(T value) => new(true, value);
}

/// <summary>
/// <c>PATCH /v1/licenses/{id}</c>: the fields to change. A plan change takes the new plan's features and
/// <c>maxActivations</c> unless the same PATCH gives them; <c>features: null</c> resets to the plan's features,
/// <c>maxActivations: null</c> is unlimited, <c>expiresAt: null</c> never expires; metadata is merged key by key
/// (a null value removes the key). docs/managing-licenses.md.
/// </summary>
public sealed record LicensePatch
{
    public PatchField<string?> CustomerEmail { get; init; }
    public PatchField<string?> Plan { get; init; }
    public PatchField<IReadOnlyList<string?>?> Features { get; init; }
    public PatchField<int?> MaxActivations { get; init; }
    public PatchField<DateTimeOffset?> ExpiresAt { get; init; }
    public IReadOnlyDictionary<string, string?>? Metadata { get; init; }
}
