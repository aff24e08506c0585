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
    public void In_Azure_with_Key_Vault_and_locally_without_it_the_app_starts()
    {
        new ServiceCollection().AddLicensing(Config(("WEBSITE_SITE_NAME", "app"), ("Licensing:Signing:KeyVaultUri", "https://kv.vault.azure.net"), ("Licensing:TableServiceUri", "https://a.table.core.windows.net")));
        new ServiceCollection().AddLicensing(Config(("Licensing:StorageConnection", "UseDevelopmentStorage=true")));
    }
}
