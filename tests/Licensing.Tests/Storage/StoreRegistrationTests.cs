using Licensing.Domain.Accounts;
using Licensing.Domain.Licenses;
using Licensing.Functions.Accounts;
using Licensing.Functions.Licenses;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.Storage;

/// <summary>One adapter per table: each is registered once and every interface it serves resolves to that one instance.</summary>
public sealed class StoreRegistrationTests
{
    [Fact]
    public async Task Each_table_adapter_is_one_instance_behind_all_its_interfaces()
    {
        await using var host = await TestHost.StartAsync();
        var licenses = host.Services.GetRequiredService<LicenseTableStore>();
        Assert.Same(licenses, host.Services.GetRequiredService<ILicenseStore>());
        Assert.Same(licenses, host.Services.GetRequiredService<ILicenseScan>());
        Assert.Same(host.Services.GetRequiredService<AccountTableStore>(), host.Services.GetRequiredService<IAccountStore>());
    }
}
