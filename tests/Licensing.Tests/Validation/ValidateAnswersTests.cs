using System.Text;
using System.Text.Json;
using Licensing.Domain.Licenses;
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

    private static Verdict Valid(License license, string certificate, DateTimeOffset? revalidateAfter = null) =>
        new(ValidationCode.Valid, "The license is valid.", license, revalidateAfter ?? Now.AddHours(24)) { Certificate = certificate };

    private static byte[] Answer(ValidateAnswers answers, Verdict verdict, DateTimeOffset now)
    {
        var bytes = answers.BytesOf(ValidateFunction.ResponseOf(verdict, now), verdict.License!);
        Assert.Equal(Serialized(verdict, now), Encoding.UTF8.GetString(bytes));
        return bytes;
    }

    private static string Serialized(Verdict verdict, DateTimeOffset now) =>
        Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(ValidateFunction.ResponseOf(verdict, now), Json.Options));

    [Fact]
    public void The_same_answer_for_the_same_certificate_is_written_from_the_kept_bytes()
    {
        var answers = new ValidateAnswers();
        var license = ValidationRulesTests.Sample();
        var certificate = new string("eyJ.certificate.one".AsSpan());
        var first = Answer(answers, Valid(license, certificate), Now);
        var second = Answer(answers, Valid(license, certificate), Now.AddSeconds(30));
        Assert.Same(first, second);
    }

    [Fact]
    public void Any_input_that_differs_serializes_the_answer_again()
    {
        var answers = new ValidateAnswers();
        var license = ValidationRulesTests.Sample(expiresAt: Now.AddDays(1));
        var certificate = new string("eyJ.certificate.two".AsSpan());
        var kept = Answer(answers, Valid(license, certificate), Now);

        // The license changed (a new object: the cache holds one per ETag), even with the same certificate string.
        var changed = license with { Features = ["analytics"] };
        var afterChange = Answer(answers, Valid(changed, certificate), Now);
        Assert.NotSame(kept, afterChange);
        Assert.Contains("\"features\":[\"analytics\"]", Encoding.UTF8.GetString(afterChange));

        // Its revalidation time, or its status as time passes (the license expired since the bytes were kept).
        var later = Answer(answers, Valid(changed, certificate, Now.AddHours(12)), Now);
        Assert.NotSame(afterChange, later);
        var expired = Answer(answers, Valid(changed, certificate, Now.AddHours(12)), Now.AddDays(2));
        Assert.NotSame(later, expired);
        Assert.Contains("\"status\":\"expired\"", Encoding.UTF8.GetString(expired));

        // Another certificate string, even with the same text, is not the one the bytes were kept for.
        var other = Answer(answers, Valid(changed, new string(certificate.AsSpan()), Now.AddHours(12)), Now.AddDays(2));
        Assert.NotSame(expired, other);
        Assert.Equal(expired, other);
    }

    [Fact]
    public void Answers_without_a_certificate_are_never_kept()
    {
        var answers = new ValidateAnswers();
        var license = ValidationRulesTests.Sample();
        var verdict = new Verdict(ValidationCode.Suspended, "The license is suspended.", license, null);
        var first = answers.BytesOf(ValidateFunction.ResponseOf(verdict, Now), license);
        var second = answers.BytesOf(ValidateFunction.ResponseOf(verdict, Now), license);
        Assert.NotSame(first, second);
        Assert.Equal(Serialized(verdict, Now), Encoding.UTF8.GetString(second));
    }
}
