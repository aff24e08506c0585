using System.Net;
using Licensing.Domain.Webhooks;

namespace Licensing.Tests.Webhooks;

public sealed class WebhookRulesTests
{
    [Fact]
    public void Signature_matches_the_Standard_Webhooks_published_vector()
    {
        var signature = WebhookSignature.Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, "{\"test\": 2432232314}");
        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Fact]
    public void Secrets_are_whsec_and_base64_of_32_random_bytes()
    {
        var a = WebhookSignature.NewSecret();
        var b = WebhookSignature.NewSecret();
        Assert.StartsWith("whsec_", a, StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(a["whsec_".Length..]).Length);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Schedule_is_the_specs_nine_retries_with_bounded_jitter_then_nothing()
    {
        double[] expectedSeconds = [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400];
        for (var failed = 1; failed <= 9; failed++)
        {
            var nominal = expectedSeconds[failed - 1];
            Assert.Equal(nominal * 0.9, WebhookSchedule.After(failed, 0)!.Value.TotalSeconds, 6);
            Assert.Equal(nominal, WebhookSchedule.After(failed, 0.5)!.Value.TotalSeconds, 6);
            Assert.Equal(nominal * 1.1, WebhookSchedule.After(failed, 1)!.Value.TotalSeconds, 6);
        }
        Assert.Null(WebhookSchedule.After(10, 0.5));
        Assert.Equal(10, WebhookSchedule.MaxAttempts);
        // About three days from the first attempt to the last.
        Assert.InRange(WebhookSchedule.Delays.Aggregate(TimeSpan.Zero, (a, d) => a + d).TotalHours, 72, 80);
    }

    [Theory]
    [InlineData("license.revoked", "license.revoked")]
    [InlineData("activation.created", "activation.created")]
    [InlineData("usage.limit_reached", "usage.limit_reached")]
    [InlineData("product.updated", null)]
    [InlineData("apiKey.created", null)]
    [InlineData("ping", null)]
    [InlineData("*", null)]
    public void Change_actions_map_to_event_types_by_name(string action, string? expected) => Assert.Equal(expected, WebhookEvents.ForAction(action));

    [Fact]
    public void Endpoints_receive_what_they_subscribed_to_and_their_pings()
    {
        Assert.True(WebhookEvents.Receives(["license.revoked"], "license.revoked"));
        Assert.False(WebhookEvents.Receives(["license.revoked"], "license.created"));
        Assert.True(WebhookEvents.Receives(["*"], "activation.deleted"));
        Assert.True(WebhookEvents.Receives(["license.created"], "ping"));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.0.9")]
    [InlineData("::1")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("169.254.0.1")]
    [InlineData("100.64.0.1")]
    [InlineData("100.127.255.254")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("198.18.0.1")]
    [InlineData("192.0.2.1")]
    [InlineData("::")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("fe80::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::10.0.0.1")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    [InlineData("2002:c0a8:0101::1")]
    [InlineData("2001:db8::1")]
    [InlineData("2001:0:4136:e378::1")]
    public void Private_loopback_link_local_cgnat_metadata_and_embedded_forms_are_refused(string address)
    {
        Assert.False(WebhookTargets.IsAllowed(IPAddress.Parse(address), allowLoopback: false));
        if (!IPAddress.IsLoopback(WebhookTargets.Unwrap(IPAddress.Parse(address))))
            Assert.False(WebhookTargets.IsAllowed(IPAddress.Parse(address), allowLoopback: true));
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("100.128.0.1")]
    [InlineData("172.32.0.1")]
    [InlineData("169.253.1.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("2002:0808:0808::1")]
    public void Public_addresses_are_allowed(string address) => Assert.True(WebhookTargets.IsAllowed(IPAddress.Parse(address), allowLoopback: false));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public void Loopback_is_allowed_only_when_the_local_setting_says_so(string address)
    {
        Assert.True(WebhookTargets.IsAllowed(IPAddress.Parse(address), allowLoopback: true));
        Assert.False(WebhookTargets.IsAllowed(IPAddress.Parse(address), allowLoopback: false));
    }

    [Theory]
    [InlineData("https://hooks.example.com/licensing", false, true)]
    [InlineData("https://hooks.example.com:8443/a?b=c", false, true)]
    [InlineData("http://hooks.example.com/licensing", false, false)]
    [InlineData("http://hooks.example.com/licensing", true, false)]
    [InlineData("ftp://hooks.example.com/", false, false)]
    [InlineData("https://user:pass@hooks.example.com/", false, false)]
    [InlineData("https://127.0.0.1/hook", false, false)]
    [InlineData("https://10.0.0.5/hook", false, false)]
    [InlineData("https://169.254.169.254/latest/meta-data", false, false)]
    [InlineData("https://[::ffff:127.0.0.1]/hook", false, false)]
    [InlineData("https://[fd00::1]/hook", false, false)]
    [InlineData("https://localhost/hook", false, false)]
    [InlineData("https://intranet/hook", false, false)]
    [InlineData("http://127.0.0.1:7000/hook", true, true)]
    [InlineData("http://[::1]:7000/hook", true, true)]
    [InlineData("http://localhost:7000/hook", true, true)]
    [InlineData("http://10.0.0.5/hook", true, false)]
    [InlineData("not a url", false, false)]
    [InlineData("", false, false)]
    public void Urls_are_checked_at_registration(string url, bool allowLoopback, bool accepted) =>
        Assert.Equal(accepted, WebhookTargets.CheckUrl(url, allowLoopback, out _) is not null);
}
