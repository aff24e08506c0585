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
}
