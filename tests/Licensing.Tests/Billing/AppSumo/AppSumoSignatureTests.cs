using System.Text;
using Licensing.Domain.Billing.AppSumo;

namespace Licensing.Tests.Billing.AppSumo;

public sealed class AppSumoSignatureTests
{
    private const string Key = "c73455d8-0f64-4354-bd64-1f454a227104";
    private const string Timestamp = "1625165884119";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        """{"license_key":"3794577c-3dbc-11ec-9bbc-0242ac130002","event":"purchase","status":"active","event_timestamp":1318781876406,"test":false}""");
    private const string Signature = "e8f1b04eab1a8775a92c402c871db838e2f3843757fa3f6437d22079cfa68d9f";
    private static readonly DateTimeOffset SignedAt = DateTimeOffset.FromUnixTimeMilliseconds(1625165884119);

    [Fact]
    public void The_known_vector_verifies_within_300_seconds_of_its_timestamp_and_not_after()
    {
        Assert.Equal(Signature, AppSumoSignature.Compute(Key, Timestamp, Body));
        Assert.True(AppSumoSignature.Verify(Key, Timestamp, Body, Signature, SignedAt.AddSeconds(299)));
        Assert.True(AppSumoSignature.Verify(Key, Timestamp, Body, Signature.ToUpperInvariant(), SignedAt.AddSeconds(-299)));
        Assert.False(AppSumoSignature.Verify(Key, Timestamp, Body, Signature, SignedAt.AddSeconds(301)));
    }

    [Fact]
    public void Any_change_to_key_timestamp_body_or_signature_fails()
    {
        Assert.False(AppSumoSignature.Verify(Key + "x", Timestamp, Body, Signature, SignedAt));
        Assert.False(AppSumoSignature.Verify(Key, "1625165884118", Body, Signature, SignedAt));
        Assert.False(AppSumoSignature.Verify(Key, Timestamp, [.. Body, (byte)' '], Signature, SignedAt));
        Assert.False(AppSumoSignature.Verify(Key, Timestamp, Body, Signature[..^1] + "0", SignedAt));
        foreach (var bad in new[] { null, "", "zz", Signature + "00", new string('g', 64) })
            Assert.False(AppSumoSignature.Verify(Key, Timestamp, Body, bad, SignedAt));
        foreach (var ts in new[] { null, "", "-1", "1625165884.119", "12345678901234567" })
            Assert.False(AppSumoSignature.Verify(Key, ts, Body, AppSumoSignature.Compute(Key, ts ?? "", Body), SignedAt));
    }

    [Fact]
    public void The_timestamp_may_be_seconds_or_milliseconds()
    {
        Assert.Equal(SignedAt, AppSumoSignature.ParseTimestamp("1625165884119"));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1625165884), AppSumoSignature.ParseTimestamp("1625165884"));
        var seconds = AppSumoSignature.Compute(Key, "1625165884", Body);
        Assert.True(AppSumoSignature.Verify(Key, "1625165884", Body, seconds, SignedAt));
    }
}
