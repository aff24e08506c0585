using Licensing.Domain.Activations;
using Licensing.Domain.Licenses;

namespace Licensing.Domain.Validation;

public sealed record Verdict(ValidationCode Code, string Detail, License? License, DateTimeOffset? RevalidateAfter)
{
    public bool Valid => Code == ValidationCode.Valid;
    /// <summary>The certificate as issued or reused, for the host to keep its answer with.</summary>
    public Signing.IssuedCertificate? Issued { get; init; }

    /// <summary>The signed certificate a VALID verdict carries (<see cref="Issued"/>'s token).</summary>
    public string? Certificate => Issued?.Token;
}

/// <summary>The pure outcome of the rules: a verdict, and what a VALID verdict still has to activate.</summary>
public sealed record Evaluation(Verdict Verdict, IReadOnlyList<ActivationTarget> ToActivate);
