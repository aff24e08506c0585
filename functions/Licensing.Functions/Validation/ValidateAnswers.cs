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
    /// <summary>The answer's bytes: those kept with <paramref name="issued"/> when all inputs match, else serialized now (and kept).</summary>
    public static byte[] BytesOf(ValidateFunction.ValidateResponse response, License license, IssuedCertificate issued)
    {
        var status = response.License?.Status;
        if (!response.Valid || status is null || !ReferenceEquals(response.Certificate, issued.Token)) return Serialize(response);
        if (issued.Answer is Answer kept && kept.Matches(response, license, status)) return kept.Bytes;
        var answer = new Answer(license, status, response.Code, response.Detail, response.RevalidateAfter, Serialize(response));
        issued.Answer = answer;
        return answer.Bytes;
    }

    /// <summary>
    /// The answer to <paramref name="verdict"/> (its <paramref name="code"/> on the wire) with its certificate, the license's status as of
    /// <paramref name="now"/>: the kept bytes when every input matches, checked before the answer is even made; else made, serialized and kept.
    /// </summary>
    public static byte[] For(Verdict verdict, string code, License license, IssuedCertificate issued, DateTimeOffset now) =>
        KeptBytes(verdict, code, license.EffectiveStatus(now).ToWire(), issued) ?? BytesOf(ValidateFunction.ResponseOf(verdict, now), license, issued);

    /// <summary>The bytes kept with <paramref name="issued"/> when the answer to <paramref name="verdict"/> would be made of the same inputs.</summary>
    private static byte[]? KeptBytes(Verdict verdict, string code, string status, IssuedCertificate issued) =>
        verdict.Valid && issued.Answer is Answer kept && ReferenceEquals(verdict.Certificate, issued.Token) && ReferenceEquals(kept.License, verdict.License)
        && kept.Status == status && kept.Code == code && kept.Detail == verdict.Detail && kept.RevalidateAfter == verdict.RevalidateAfter
            ? kept.Bytes
            : null;

    private static byte[] Serialize(ValidateFunction.ValidateResponse response) => ApiJsonResult.SerializeToThreadBuffer(response).WrittenSpan.ToArray();

    /// <summary>What the answer was made of: its license (by reference, every summary field comes from it) and the verdict's own fields.</summary>
    private sealed record Answer(License License, string Status, string Code, string Detail, DateTimeOffset? RevalidateAfter, byte[] Bytes)
    {
        public bool Matches(ValidateFunction.ValidateResponse response, License license, string status) =>
            ReferenceEquals(License, license) && Status == status && Code == response.Code && Detail == response.Detail
            && RevalidateAfter == response.RevalidateAfter;
    }
}
