using System.Reflection;
using System.Text.RegularExpressions;
using Licensing.Functions.Hosting;
using Licensing.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.Hosting;

/// <summary>One truth for settings: the template's app settings are exactly the ones the app reads in production.</summary>
public sealed partial class InfrastructureTests
{
    private static string[] TemplateAppSettings()
    {
        var bicep = File.ReadAllText(Repo.PathTo("infra", "resources.bicep"));
        var block = bicep[bicep.IndexOf("appSettings: [", StringComparison.Ordinal)..];
        block = block[..block.IndexOf("\n      ]", StringComparison.Ordinal)];
        return SettingName().Matches(block).Select(m => m.Groups[1].Value).ToArray();
    }

    [Fact]
    public void Template_app_settings_equal_the_production_settings()
    {
        var template = TemplateAppSettings();
        Assert.Equal(template.Length, template.Distinct().Count());
        Assert.Equal(ProductionSettings.All.Select(s => s.Name).Order(), template.Order());
    }

    [Fact]
    public void Template_tables_and_queues_are_the_ones_the_app_creates()
    {
        var bicep = File.ReadAllText(Repo.PathTo("infra", "resources.bicep"));
        string[] List(string name)
        {
            var block = bicep[bicep.IndexOf($"var {name} = [", StringComparison.Ordinal)..];
            block = block[..block.IndexOf("\n]", StringComparison.Ordinal)];
            return Regex.Matches(block, @"^\s*'([a-z0-9-]+)'\s*$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToArray();
        }
        Assert.Equal(Licensing.Functions.Storage.TableStorage.AllTables.Order(), List("tableNames").Order());
        Assert.Equal(Licensing.Functions.Storage.QueueStorage.AllQueues.Order(), List("queueNames").Order());
    }

    [Fact]
    public void Every_Licensing_production_setting_is_an_option_the_app_binds()
    {
        foreach (var setting in ProductionSettings.All.Where(s => s.Name.StartsWith("Licensing__", StringComparison.Ordinal)))
        {
            var type = typeof(LicensingOptions);
            PropertyInfo? property = null;
            foreach (var part in setting.Name.Split("__").Skip(1))
            {
                // A dictionary option (e.g. ShortKeys:Secrets) binds any key: the part names an entry, of the value type.
                if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
                {
                    type = type.GetGenericArguments()[1];
                    continue;
                }
                property = type.GetProperty(part);
                Assert.True(property is not null, $"{setting.Name}: no property {part} on {type.Name}");
                type = property!.PropertyType;
            }
        }
    }

    [Fact]
    public void No_secret_in_parameter_defaults_outputs_or_app_settings()
    {
        var main = File.ReadAllText(Repo.PathTo("infra", "main.bicep"));
        var resources = File.ReadAllText(Repo.PathTo("infra", "resources.bicep"));
        Assert.Matches(@"@secure\(\)\s*(@\w+\([^)]*\)\s*)*(@description\([^)]*\)\s*)?param adminKey string\s*\n", main);
        Assert.DoesNotMatch(@"output \w+ string = [^\n]*adminKey", main + resources);
        Assert.DoesNotContain("listKeys", resources);
        Assert.DoesNotContain("AccountKey=", resources);
        Assert.Contains("{ name: 'Licensing__AdminKey', value: '@Microsoft.KeyVault(SecretUri=", resources);
        Assert.Contains("allowSharedKeyAccess: false", resources);
        Assert.Contains("enablePurgeProtection: true", resources);
        Assert.Contains("enableRbacAuthorization: true", resources);
        Assert.DoesNotContain("br:", main + resources); // no registry modules: builds offline
        var assignments = resources.Split("\nresource ")
            .Where(b => b.Contains("'Microsoft.Authorization/roleAssignments@", StringComparison.Ordinal)).ToArray();
        Assert.Equal(7, assignments.Length);
        foreach (var block in assignments)
        {
            var name = Regex.Match(block, @"name: guid\(([^)]*)\)");
            Assert.True(name.Success && name.Groups[1].Value.Split(',').Length == 3,
                $"role assignment is not named guid(scope, principal, role): {block[..60]}");
        }
    }

    [Fact]
    public void In_Azure_the_app_refuses_to_start_naming_each_missing_setting()
    {
        var complete = ProductionSettings.All.ToDictionary(s => ProductionSettings.ConfigurationKey(s.Name), _ => (string?)"x");
        complete["WEBSITE_INSTANCE_ID"] = "instance";
        complete["Licensing:Signing:KeyVaultUri"] = "https://kv.vault.azure.net";
        complete["Licensing:TableServiceUri"] = "https://a.table.core.windows.net";
        complete["Licensing:QueueServiceUri"] = "https://a.queue.core.windows.net";
        complete["Licensing:Email:AcsEndpoint"] = "https://acs.communication.azure.com";
        complete["Licensing:AdminKey"] = new string('k', LicensingOptionsValidator.MinAdminKeyLength);
        complete["Licensing:ClientAddress:Source"] = "XForwardedFor";
        complete["Licensing:BlobServiceUri"] = "https://a.blob.core.windows.net";
        complete["Licensing:Releases:DownloadMode"] = "Redirect";
        complete["Licensing:PublicBaseUrl"] = "https://app.azurewebsites.net/api";
        complete["Licensing:DashboardUrl"] = "https://dashboard.example/";
        complete["Licensing:Telemetry:SamplingRatio"] = "0.5";
        complete["Licensing:ShortKeys:CurrentVersion"] = "1";
        complete["Licensing:ShortKeys:Secrets:1"] = Convert.ToBase64String(new byte[32]);
        new ServiceCollection().AddLicensing(new ConfigurationBuilder().AddInMemoryCollection(complete).Build());

        foreach (var setting in ProductionSettings.All.Where(s => s.Name != "Licensing__Signing__KeyVaultUri"))
        {
            var missing = new Dictionary<string, string?>(complete) { [ProductionSettings.ConfigurationKey(setting.Name)] = null };
            var e = Assert.Throws<InvalidOperationException>(() =>
                new ServiceCollection().AddLicensing(new ConfigurationBuilder().AddInMemoryCollection(missing).Build()));
            Assert.Contains(setting.Name, e.Message);
        }
    }

    [GeneratedRegex(@"\{ name: '([A-Za-z0-9_]+)', value:")]
    private static partial Regex SettingName();
}
