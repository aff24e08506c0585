using System.Text;
using Licensing.Domain.Billing;
using Licensing.Functions.Billing.Gumroad;
using Licensing.Functions.Billing.Paddle;

namespace Licensing.Tests.Billing;

/// <summary>The providers' authenticity checks against their published shapes and known vectors; no storage.</summary>
public sealed class ProviderSignatureTests
{
    private const string PaddleSecret = "pdl_ntfset_01gkpjp8bkm3tm53kdgkx6sms7_6h3qd3uFSi9YCD3OLYAShQI90XTI5vEI";
    private const string PaddleBody = """{"event_id":"evt_1","event_type":"transaction.completed","data":{"id":"txn_1"}}""";
    private const string PaddleH1 = "a5e834aa2fa37b49e0ebaf3a660b44dd1b8dd7cb4ca6e5d55008df713a920d68";
    private static readonly DateTimeOffset PaddleTs = DateTimeOffset.FromUnixTimeSeconds(1671552777);

    [Fact]
    public void Lemon_squeezy_vector()
    {
        var body = Encoding.UTF8.GetBytes("""{"meta":{"event_name":"order_created"},"data":{"id":"1"}}""");
        const string expected = "3e3f94b8518bf06cc20745d1bb7d019f9960ea08a43d0d64f3fa8b6854f7b15e";
        Assert.Equal(expected, WebhookSignatures.HexHmac("secret123", body));
        Assert.True(WebhookSignatures.HexHmacMatches("secret123", body, expected));
        Assert.True(WebhookSignatures.HexHmacMatches("secret123", body, expected.ToUpperInvariant()));
        Assert.False(WebhookSignatures.HexHmacMatches("secret124", body, expected));
        Assert.False(WebhookSignatures.HexHmacMatches("secret123", [.. body, (byte)' '], expected));
        Assert.False(WebhookSignatures.HexHmacMatches("secret123", body, expected[..63] + "z"));
        Assert.False(WebhookSignatures.HexHmacMatches("secret123", body, null));
        Assert.False(WebhookSignatures.HexHmacMatches("secret123", body, ""));
    }

    [Fact]
    public void Paddle_vector_verifies_within_five_seconds_of_ts_and_not_after()
    {
        var body = Encoding.UTF8.GetBytes(PaddleBody);
        var header = $"ts=1671552777;h1={PaddleH1}";
        var tolerance = TimeSpan.FromSeconds(5);
        Assert.True(PaddleSignature.Verify(header, body, PaddleSecret, PaddleTs, tolerance));
        Assert.True(PaddleSignature.Verify(header, body, PaddleSecret, PaddleTs.AddSeconds(5), tolerance));
        Assert.False(PaddleSignature.Verify(header, body, PaddleSecret, PaddleTs.AddSeconds(6), tolerance));
        Assert.True(PaddleSignature.Verify(header, body, PaddleSecret, PaddleTs.AddSeconds(60), TimeSpan.FromSeconds(60)));
    }

    [Theory]
    [InlineData("ts=1671552777;h1=" + PaddleH1, true)]
    [InlineData("ts=1671552777;h1=" + "00" + "aa5e834aa2fa37b49e0ebaf3a660b44dd1b8dd7cb4ca6e5d55008df713a920d6" + ";h1=" + PaddleH1, true)] // any h1 (rotation)
    [InlineData("h1=" + PaddleH1 + ";ts=1671552777", true)]
    [InlineData("ts=1671552778;h1=" + PaddleH1, false)] // ts is signed
    [InlineData("ts=1671552777", false)]
    [InlineData("h1=" + PaddleH1, false)]
    [InlineData("ts=abc;h1=" + PaddleH1, false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Paddle_header_shapes(string? header, bool valid) =>
        Assert.Equal(valid, PaddleSignature.Verify(header, Encoding.UTF8.GetBytes(PaddleBody), PaddleSecret, PaddleTs, TimeSpan.FromSeconds(5)));

    [Fact]
    public void Paddle_rejects_another_secret_or_body() =>
        Assert.False(PaddleSignature.Verify($"ts=1671552777;h1={PaddleH1}", Encoding.UTF8.GetBytes(PaddleBody + " "), PaddleSecret, PaddleTs,
            TimeSpan.FromSeconds(5)) || PaddleSignature.Verify($"ts=1671552777;h1={PaddleH1}", Encoding.UTF8.GetBytes(PaddleBody), PaddleSecret + "x",
            PaddleTs, TimeSpan.FromSeconds(5)));

    [Fact]
    public void Gumroad_pings_read_bracket_encoded_fields_and_name_their_events()
    {
        var ping = GumroadPing.Parse(Encoding.UTF8.GetBytes(
            "seller_id=kL0ps%3D%3D&sale_id=FO8TXN-dbxYaBdahG97Y-Q%3D%3D&sale_timestamp=2021-01-05T19%3A38%3A56Z&email=a%2Bb%40example.com"
            + "&custom_fields%5Bplan%5D=pro&url_params%5BproductId%5D=my-plugin&recurrence=yearly&refunded=false&test=true"));
        Assert.Equal("kL0ps==", ping["seller_id"]);
        Assert.Equal("a+b@example.com", ping["email"]);
        Assert.Equal("pro", ping.Custom("plan"));
        Assert.Equal("my-plugin", ping.Custom("productId"));
        Assert.Null(ping.Custom("domain"));
        Assert.Equal("sale", ping.Resource);
        Assert.Equal("sale:FO8TXN-dbxYaBdahG97Y-Q==", ping.EventId);
        Assert.True(ping.IsTrue("test"));
        Assert.False(ping.IsTrue("refunded"));
        Assert.Equal(new DateTimeOffset(2022, 1, 5, 19, 38, 56, TimeSpan.Zero), ping.PeriodEnd);

        var partial = GumroadPing.Parse(Encoding.UTF8.GetBytes("resource_name=refund&sale_id=S1&refunded=false&amount_refunded_in_cents=100"));
        var full = GumroadPing.Parse(Encoding.UTF8.GetBytes("resource_name=refund&sale_id=S1&refunded=true&amount_refunded_in_cents=900"));
        Assert.NotEqual(partial.EventId, full.EventId);
        var ended = GumroadPing.Parse(Encoding.UTF8.GetBytes("resource_name=subscription_ended&subscription_id=G1&ended_at=2027-01-01T00%3A00%3A00Z"));
        Assert.Equal("subscription_ended:G1@2027-01-01T00:00:00Z", ended.EventId);
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), ended.OccurredAt);
    }

    [Fact]
    public void Gumroad_url_secrets_and_seller_ids_compare_in_constant_time_by_value()
    {
        Assert.True(WebhookSignatures.SameText("abc", "abc"));
        Assert.False(WebhookSignatures.SameText("abc", "abd"));
        Assert.False(WebhookSignatures.SameText("abc", null));
        Assert.Equal(64, WebhookSignatures.Hash("secret").Length);
    }
}
