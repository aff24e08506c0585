using System.Runtime.CompilerServices;
using Licensing.Domain.Licenses;
using Licensing.Functions.Http;

namespace Licensing.Functions.Validation;

/// <summary>
/// The bytes of a VALID answer, kept with the reused certificate they carry: a repeat validation whose certificate is reused
/// (same license version, site and window, <c>CertificateCache</c>) writes the bytes written last time instead of serializing
/// the same answer again. Kept only while the certificate is held (keyed by the certificate's own string object, so an entry
/// goes when the certificate cache lets go of it), and used only when every input of the answer is the same: the same license
/// object (the license cache keeps one object per ETag), status, code, detail and revalidation time. Anything else serializes
/// afresh and replaces the bytes.
/// </summary>
public sealed class ValidateAnswers
{
    private readonly ConditionalWeakTable<string, Answer> _answers = new();

    /// <summary>The answer's bytes: those kept for this certificate when all inputs match, else serialized now (and kept).</summary>
    public byte[] BytesOf(ValidateFunction.ValidateResponse response, License license)
    {
        var certificate = response.Certificate;
        var status = response.License?.Status;
        if (!response.Valid || certificate is null || status is null) return Serialize(response);
        if (_answers.TryGetValue(certificate, out var kept) && kept.Matches(response, license, status)) return kept.Bytes;
        var answer = new Answer(license, status, response.Code, response.Detail, response.RevalidateAfter, Serialize(response));
        _answers.AddOrUpdate(certificate, answer);
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
