using Licensing.Domain.Licenses;
using Licensing.Domain.Signing;
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

    private static byte[] Serialize(ValidateFunction.ValidateResponse response) => ApiJsonResult.SerializeToThreadBuffer(response).WrittenSpan.ToArray();

    /// <summary>What the answer was made of: its license (by reference, every summary field comes from it) and the verdict's own fields.</summary>
    private sealed record Answer(License License, string Status, string Code, string Detail, DateTimeOffset? RevalidateAfter, byte[] Bytes)
    {
        public bool Matches(ValidateFunction.ValidateResponse response, License license, string status) =>
            ReferenceEquals(License, license) && Status == status && Code == response.Code && Detail == response.Detail
            && RevalidateAfter == response.RevalidateAfter;
    }
}
