using System.Text;
using System.Text.Json;
using Licensing.Domain.Licenses;
using Licensing.Domain.Signing;
using Licensing.Domain.Validation;
using Licensing.Functions.Http;
using Licensing.Functions.Validation;

namespace Licensing.Tests.Validation;

/// <summary>
/// A repeat VALID answer with a reused certificate is written from the bytes kept for that certificate, and only when every
/// input of the answer is the same; any difference serializes afresh, and the bytes are always the serializer's own.
/// </summary>
public sealed class ValidateAnswersTests
{
    private static readonly DateTimeOffset Now = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static Verdict Valid(License license, IssuedCertificate certificate, DateTimeOffset? revalidateAfter = null) =>
        new(ValidationCode.Valid, "The license is valid.", license, revalidateAfter ?? Now.AddHours(24))
        {
            Issued = certificate,
        };

    private static IssuedCertificate Certificate(string token) => new(token, Now.AddHours(24));

    private static byte[] Answer(Verdict verdict, DateTimeOffset now)
    {
        var bytes = ValidateAnswers.For(verdict, verdict.Code.ToWire(), verdict.License!, verdict.Issued!, now);
        Assert.Equal(Serialized(verdict, now), Encoding.UTF8.GetString(bytes));
        return bytes;
    }

    private static string Serialized(Verdict verdict, DateTimeOffset now) =>
        Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(ValidateFunction.ResponseOf(verdict, now), Json.Options));

    [Fact]
    public void The_same_answer_for_the_same_certificate_is_written_from_the_kept_bytes()
    {
        var license = ValidationRulesTests.Sample();
        var certificate = Certificate("eyJ.certificate.one");
        var first = Answer(Valid(license, certificate), Now);
        var second = Answer(Valid(license, certificate), Now.AddSeconds(30));
        Assert.Same(first, second);
    }

    [Fact]
    public void Any_input_that_differs_serializes_the_answer_again()
    {
        var license = ValidationRulesTests.Sample(expiresAt: Now.AddDays(1));
        var certificate = Certificate("eyJ.certificate.two");
        var kept = Answer(Valid(license, certificate), Now);

        // The license changed (a new object: the cache holds one per ETag), even with the same certificate string.
        var changed = license with { Features = ["analytics"] };
        var afterChange = Answer(Valid(changed, certificate), Now);
        Assert.NotSame(kept, afterChange);
        Assert.Contains("\"features\":[\"analytics\"]", Encoding.UTF8.GetString(afterChange));

        // Its revalidation time, or its status as time passes (the license expired since the bytes were kept).
        var later = Answer(Valid(changed, certificate, Now.AddHours(12)), Now);
        Assert.NotSame(afterChange, later);
        var expired = Answer(Valid(changed, certificate, Now.AddHours(12)), Now.AddDays(2));
        Assert.NotSame(later, expired);
        Assert.Contains("\"status\":\"expired\"", Encoding.UTF8.GetString(expired));

        // Another certificate, even with the same text, is not the one the bytes were kept with.
        var other = Answer(Valid(changed, Certificate(certificate.Token), Now.AddHours(12)), Now.AddDays(2));
        Assert.NotSame(expired, other);
        Assert.Equal(expired, other);
    }

    [Fact]
    public void Answers_that_are_not_valid_are_never_kept()
    {
        var license = ValidationRulesTests.Sample();
        var certificate = Certificate("eyJ.certificate.three");
        var verdict = new Verdict(ValidationCode.Suspended, "The license is suspended.", license, null);
        var first = ValidateAnswers.For(verdict, "SUSPENDED", license, certificate, Now);
        var second = ValidateAnswers.For(verdict, "SUSPENDED", license, certificate, Now);
        Assert.NotSame(first, second);
        Assert.Equal(Serialized(verdict, Now), Encoding.UTF8.GetString(second));
    }
}
