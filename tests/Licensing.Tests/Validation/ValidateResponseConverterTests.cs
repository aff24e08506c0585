using System.Text.Json;
using System.Text.Json.Serialization;
using FsCheck;
using FsCheck.Xunit;
using Licensing.Functions.Http;
using Licensing.Functions.Validation;

namespace Licensing.Tests.Validation;

/// <summary>
/// The validation answer's own writer produces, byte for byte, what the API's serializer options produce for the same
/// record shape through the serializer's metadata (a twin of the records below, without the converter).
/// </summary>
public sealed class ValidateResponseConverterTests
{
    private sealed record Summary(string Id, string ProductId, string Plan, string Status, IReadOnlyList<string> Features,
        DateTimeOffset? ExpiresAt, int? MaxActivations,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? UpdatesUntil, bool Trial);

    private sealed record Answer(bool Valid, string Code, string Detail,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Summary? License,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? RevalidateAfter,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Certificate);

    private static void AssertSameBytes(ValidateFunction.ValidateResponse response)
    {
        var l = response.License;
        var twin = new Answer(response.Valid, response.Code, response.Detail,
            l is null ? null : new Summary(l.Id, l.ProductId, l.Plan, l.Status, l.Features, l.ExpiresAt, l.MaxActivations, l.UpdatesUntil, l.Trial),
            response.RevalidateAfter, response.Certificate);
        var expected = JsonSerializer.SerializeToUtf8Bytes(twin, Json.Options);
        var written = JsonSerializer.SerializeToUtf8Bytes(response, Json.Options);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(expected), System.Text.Encoding.UTF8.GetString(written));
        Assert.Equal(expected, written);
    }

    [Fact]
    public void A_valid_answer_with_every_field_and_text_that_needs_escaping()
    {
        var expires = new DateTimeOffset(2027, 3, 4, 5, 6, 7, TimeSpan.FromHours(2));
        AssertSameBytes(new ValidateFunction.ValidateResponse(true, "VALID", "The license is \"valid\" <here> & now — ünïcode 🎉",
            new ValidateFunction.LicenseSummary("lic_1", "my-plugin", "pro", "active", ["analytics", "a\"b", "\\x", "<script>", "ñ", "\u0001"],
                expires, 3, expires.AddMilliseconds(250), false),
            expires.AddDays(-1), "eyJhbGciOiJFUzI1NiJ9.eyJ4IjoxfQ.c2ln"));
    }

    [Fact]
    public void A_refusal_without_license_certificate_or_times()
    {
        AssertSameBytes(new ValidateFunction.ValidateResponse(false, "NOT_FOUND", "No license matches this key.", null, null, null));
        AssertSameBytes(new ValidateFunction.ValidateResponse(false, "EXPIRED", "Expired.",
            new ValidateFunction.LicenseSummary("lic_2", "p", "lifetime", "expired", [], null, null, null, true), null, null));
    }

    [Property(MaxTest = 300)]
    public void Any_answer_is_written_as_the_serializer_writes_it(bool valid, NonNull<string> code, NonNull<string> detail, bool withLicense,
        NonNull<string> id, string[]? features, DateTimeOffset? expires, int? max, DateTimeOffset? updates, bool trial, DateTimeOffset? revalidate,
        string? certificate)
    {
        var license = withLicense
            ? new ValidateFunction.LicenseSummary(id.Get, id.Get + "-product", "plan", code.Get, features?.Where(f => f is not null).ToArray() ?? [],
                expires, max, updates, trial)
            : null;
        AssertSameBytes(new ValidateFunction.ValidateResponse(valid, code.Get, detail.Get, license, revalidate, certificate));
    }
}
