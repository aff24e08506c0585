using Licensing.Domain.Email;
using Licensing.Domain.Products;
using Licensing.Tests.Validation;

namespace Licensing.Tests.Email;

public sealed class LicenseEmailTests
{
    [Fact]
    public void The_email_carries_key_plan_expiry_and_help_and_escapes_customer_data()
    {
        var license = ValidationRulesTests.Sample(expiresAt: new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.Zero)) with { Key = "LK1.abc<def>" };
        var product = new Product("acct_1", "my-plugin", "Plug<script>alert(1)</script>",
            [new Plan("pro", "Pro & Co", LicenseModel.Subscription, 365, 3, [], PlanPolicy.Default)],
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, DevelopmentHostPolicy.Default);
        var mail = LicenseEmail.Compose(license, product, "<m@x>");
        Assert.Equal(license.CustomerEmail, mail.To);
        Assert.Contains("LK1.abc<def>", mail.Text);
        Assert.Contains("1 March 2027", mail.Text);
        Assert.Contains("3 sites or devices", mail.Text);
        Assert.Contains("To activate", mail.Text);
        Assert.DoesNotContain("<script>", mail.Html);
        Assert.Contains("Plug&lt;script&gt;", mail.Html);
        Assert.Contains("LK1.abc&lt;def&gt;", mail.Html);
        Assert.Contains("Pro &amp; Co", mail.Html);
    }
}
