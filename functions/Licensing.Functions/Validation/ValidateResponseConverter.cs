using System.Text.Json;
using System.Text.Json.Serialization;
using Licensing.Functions.Http;

namespace Licensing.Functions.Validation;

/// <summary>
/// Writes a <see cref="ValidateFunction.ValidateResponse"/> straight to the writer: the bytes the API's serializer options
/// would produce for the record (camelCase names, nulls written, <c>updatesUntil</c>, <c>license</c>, <c>revalidateAfter</c>
/// and <c>certificate</c> left out when null, RFC 3339 timestamps), without the serializer's per-property metadata walk on
/// the hottest answer of the API. Only writes: a validation answer is never read back by the app.
/// </summary>
public sealed class ValidateResponseConverter : JsonConverter<ValidateFunction.ValidateResponse>
{
    private static readonly JsonEncodedText Valid = JsonEncodedText.Encode("valid"), Code = JsonEncodedText.Encode("code"),
        Detail = JsonEncodedText.Encode("detail"), License = JsonEncodedText.Encode("license"),
        RevalidateAfter = JsonEncodedText.Encode("revalidateAfter"), Certificate = JsonEncodedText.Encode("certificate"),
        Id = JsonEncodedText.Encode("id"), ProductId = JsonEncodedText.Encode("productId"), Plan = JsonEncodedText.Encode("plan"),
        Status = JsonEncodedText.Encode("status"), Features = JsonEncodedText.Encode("features"), ExpiresAt = JsonEncodedText.Encode("expiresAt"),
        MaxActivations = JsonEncodedText.Encode("maxActivations"), UpdatesUntil = JsonEncodedText.Encode("updatesUntil"),
        Trial = JsonEncodedText.Encode("trial");

    public override ValidateFunction.ValidateResponse Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("A validation answer is written, never read, by the app.");

    public override void Write(Utf8JsonWriter writer, ValidateFunction.ValidateResponse value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteBoolean(Valid, value.Valid);
        writer.WriteString(Code, value.Code);
        writer.WriteString(Detail, value.Detail);
        if (value.License is { } l)
        {
            writer.WritePropertyName(License);
            writer.WriteStartObject();
            writer.WriteString(Id, l.Id);
            writer.WriteString(ProductId, l.ProductId);
            writer.WriteString(Plan, l.Plan);
            writer.WriteString(Status, l.Status);
            writer.WritePropertyName(Features);
            writer.WriteStartArray();
            foreach (var feature in l.Features) writer.WriteStringValue(feature);
            writer.WriteEndArray();
            WriteTimestamp(writer, ExpiresAt, l.ExpiresAt);
            writer.WritePropertyName(MaxActivations);
            if (l.MaxActivations is { } max) writer.WriteNumberValue(max);
            else writer.WriteNullValue();
            if (l.UpdatesUntil is not null) WriteTimestamp(writer, UpdatesUntil, l.UpdatesUntil);
            writer.WriteBoolean(Trial, l.Trial);
            writer.WriteEndObject();
        }
        if (value.RevalidateAfter is not null) WriteTimestamp(writer, RevalidateAfter, value.RevalidateAfter);
        if (value.Certificate is not null) writer.WriteString(Certificate, value.Certificate);
        writer.WriteEndObject();
    }

    private static void WriteTimestamp(Utf8JsonWriter writer, JsonEncodedText name, DateTimeOffset? value)
    {
        writer.WritePropertyName(name);
        if (value is { } v) Json.WriteTimestamp(writer, v);
        else writer.WriteNullValue();
    }
}
