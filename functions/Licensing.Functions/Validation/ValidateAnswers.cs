using Licensing.Domain.Licenses;
using Licensing.Domain.Signing;
using Licensing.Domain.Validation;
using Licensing.Functions.Http;

namespace Licensing.Functions.Validation;

/// <summary>
/// The bytes of a VALID answer, kept with the certificate they carry (<see cref="IssuedCertificate.Answer"/>): a repeat validation
/// whose certificate is reused (same license version, site and window, <c>CertificateCache</c>) writes the bytes written last time
/// instead of serializing the same answer again. They go when the certificate cache lets go of the certificate, and are used only
/// when every input of the answer is the same: the same license object (the license cache keeps one object per ETag), status, code,
/// detail and revalidation time. Anything else serializes afresh and replaces them.
/// </summary>
public static class ValidateAnswers
{
    /// <summary>
    /// The answer to <paramref name="verdict"/> (its <paramref name="code"/> on the wire) with its certificate, the license's status as of
    /// <paramref name="now"/>: the kept bytes when every input matches, checked before the answer is even made; else made and serialized,
    /// and kept when it is a VALID answer carrying this very certificate.
    /// </summary>
    public static byte[] For(Verdict verdict, string code, License license, IssuedCertificate issued, DateTimeOffset now)
    {
        var status = license.EffectiveStatus(now).ToWire();
        var carriesIt = verdict.Valid && ReferenceEquals(verdict.Certificate, issued.Token);
        if (carriesIt && issued.Answer is Answer kept && kept.Matches(verdict, license, status, code)) return kept.Bytes;
        var bytes = Serialize(ValidateFunction.ResponseOf(verdict, now));
        if (carriesIt) issued.Answer = new Answer(license, status, code, verdict.Detail, verdict.RevalidateAfter, bytes);
        return bytes;
    }

    private static byte[] Serialize(ValidateFunction.ValidateResponse response) => ApiJsonResult.SerializeToThreadBuffer(response).WrittenSpan.ToArray();

    /// <summary>What the answer was made of: its license (by reference, every summary field comes from it) and the verdict's own fields.</summary>
    private sealed record Answer(License License, string Status, string Code, string Detail, DateTimeOffset? RevalidateAfter, byte[] Bytes)
    {
        public bool Matches(Verdict verdict, License license, string status, string code) =>
            ReferenceEquals(License, license) && Status == status && Code == code && Detail == verdict.Detail
            && RevalidateAfter == verdict.RevalidateAfter;
    }
}
