using Licensing.Functions.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.Releases;

/// <summary>The release settings are checked where the host is built, naming the setting.</summary>
public sealed class ReleaseSettingsTests
{
    [Theory]
    [InlineData("Licensing:Releases:DownloadMode", "Proxy")]
    [InlineData("Licensing:Releases:UploadUrlMinutes", "0")]
    [InlineData("Licensing:Releases:DownloadUrlMinutes", "61")]
    public void A_release_setting_that_is_not_understood_is_refused_at_start(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Licensing:StorageConnection"] = "UseDevelopmentStorage=true",
            [key] = value,
        }).Build();
        var e = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddLicensing(configuration));
        Assert.Contains("Licensing:Releases", e.Message);
    }
}
