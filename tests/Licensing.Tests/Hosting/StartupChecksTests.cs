using Licensing.Functions.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.Hosting;

public sealed class StartupChecksTests
{
    private static IConfiguration Config(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void In_Azure_without_Key_Vault_the_app_refuses_to_start_naming_the_setting()
    {
        var config = Config(("WEBSITE_INSTANCE_ID", "abc"), ("Licensing:StorageConnection", "UseDevelopmentStorage=true"));
        var e = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddLicensing(config));
        Assert.Contains("Licensing:Signing:KeyVaultUri", e.Message);
        Assert.Contains("Licensing__Signing__KeyVaultUri", e.Message);
    }

    [Fact]
    public void Locally_the_app_starts_without_Key_Vault()
    {
        // In Azure with every setting: InfrastructureTests.In_Azure_the_app_refuses_to_start_naming_each_missing_setting.
        new ServiceCollection().AddLicensing(Config(("Licensing:StorageConnection", "UseDevelopmentStorage=true")));
    }

    [Theory]
    [InlineData("dev-admin-key-change-me")]
    [InlineData("0123456789abcdef0123456789abcde")]
    public void In_Azure_an_admin_key_shorter_than_32_characters_is_refused(string adminKey)
    {
        var settings = ProductionSettings.All.ToDictionary(s => ProductionSettings.ConfigurationKey(s.Name), _ => (string?)"x");
        settings["WEBSITE_INSTANCE_ID"] = "instance";
        settings["Licensing:Signing:KeyVaultUri"] = "https://kv.vault.azure.net";
        settings["Licensing:TableServiceUri"] = "https://a.table.core.windows.net";
        settings["Licensing:QueueServiceUri"] = "https://a.queue.core.windows.net";
        settings["Licensing:Email:AcsEndpoint"] = "https://acs.communication.azure.com";
        settings["Licensing:ClientAddress:Source"] = "XForwardedFor";
        settings["Licensing:BlobServiceUri"] = "https://a.blob.core.windows.net";
        settings["Licensing:Releases:DownloadMode"] = "Redirect";
        settings["Licensing:PublicBaseUrl"] = "https://app.azurewebsites.net/api";
        settings["Licensing:DashboardUrl"] = "https://dashboard.example/";
        settings["Licensing:Telemetry:SamplingRatio"] = "0.5";
        settings["Licensing:ShortKeys:CurrentVersion"] = "1";
        settings["Licensing:ShortKeys:Secrets:1"] = Convert.ToBase64String(new byte[32]);
        settings["Licensing:AdminKey"] = adminKey;
        var e = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddLicensing(Config(settings.Select(kv => (kv.Key,
            kv.Value)).ToArray())));
        Assert.Contains("Licensing:AdminKey", e.Message);
        Assert.DoesNotContain(adminKey, e.Message);

        settings["Licensing:AdminKey"] = adminKey + new string('x', 32);
        new ServiceCollection().AddLicensing(Config(settings.Select(kv => (kv.Key, kv.Value)).ToArray()));
    }

    [Theory]
    [InlineData("Licensing:ClientAddress:Source", "Header")]
    [InlineData("Licensing:ClientAddress:TrustedHops", "0")]
    public void A_client_address_source_that_is_not_understood_is_refused_at_start(string key, string value)
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            new ServiceCollection().AddLicensing(Config(("Licensing:StorageConnection", "UseDevelopmentStorage=true"), (key, value))));
        Assert.Contains("Licensing:ClientAddress", e.Message);
    }

    [Theory]
    [InlineData("Licensing:DashboardUrl", "dashboard.example")]
    [InlineData("Licensing:DashboardUrl", "ftp://dashboard.example/")]
    [InlineData("Licensing:CredentialCacheSeconds", "61")]
    public void A_dashboard_url_or_credential_cache_that_is_not_understood_is_refused_at_start(string key, string value)
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            new ServiceCollection().AddLicensing(Config(("Licensing:StorageConnection", "UseDevelopmentStorage=true"), (key, value))));
        Assert.Contains(key, e.Message);
    }
}
