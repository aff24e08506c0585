using System.Security.Cryptography;
using Licensing.Functions.Hosting;
using Licensing.Functions.ShortKeys;
using Microsoft.Extensions.Configuration;

namespace Licensing.Tests.ShortKeys;

/// <summary>Where short-key secrets come from: the local file created once, app settings (Key Vault references) in Azure.</summary>
public sealed class ShortKeySecretsTests
{
    private static string NewPath() => Path.Combine(Path.GetTempPath(), $"short-keys-{Guid.NewGuid():N}", "short-key-secrets");

    [Fact]
    public async Task Locally_concurrent_starts_create_one_secret_file_of_mode_600_and_all_use_it()
    {
        var path = NewPath();
        var options = new ShortKeyOptions { LocalPath = path };
        var secrets = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => new ShortKeySecrets(options))));
        var first = secrets[0].Get(1)!;
        Assert.Equal(ShortKeyOptions.MinSecretBytes, first.Length);
        Assert.All(secrets, s => Assert.Equal(first, s.Get(1)));
        Assert.All(secrets, s => Assert.Equal(1, s.CurrentVersion));
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(first, new ShortKeySecrets(options).Get(1)); // a restart keeps it

        // Rotation locally: a line for version 2 is added; the highest version becomes current unless one is named.
        await File.AppendAllTextAsync(path, $"2 {Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}\n");
        var rotated = new ShortKeySecrets(options);
        Assert.Equal(2, rotated.CurrentVersion);
        Assert.Equal(first, rotated.Get(1));
        Assert.Equal(1, new ShortKeySecrets(new ShortKeyOptions { LocalPath = path, CurrentVersion = "1" }).CurrentVersion);
    }

    [Fact]
    public void Secrets_from_settings_are_used_as_given_and_bad_ones_are_named()
    {
        var one = RandomNumberGenerator.GetBytes(32);
        var two = RandomNumberGenerator.GetBytes(48);
        var secrets = new ShortKeySecrets(new ShortKeyOptions
        {
            CurrentVersion = "2",
            Secrets = new() { ["1"] = Convert.ToBase64String(one), ["2"] = Convert.ToBase64String(two) },
            LocalPath = NewPath(),
        });
        Assert.Equal(2, secrets.CurrentVersion);
        Assert.Equal(one, secrets.Get(1));
        Assert.Equal(two, secrets.Get(2));
        Assert.Null(secrets.Get(3));

        Assert.Contains(ShortKeySecrets.Check(new ShortKeyOptions { Secrets = new() { ["1"] = "@Microsoft.KeyVault(VaultName=kv;SecretName=short-key-1)" } }),
            f => f.Contains("Licensing__ShortKeys__Secrets__1", StringComparison.Ordinal) && f.Contains("did not resolve", StringComparison.Ordinal));
        Assert.Contains(ShortKeySecrets.Check(new ShortKeyOptions { Secrets = new() { ["1"] = Convert.ToBase64String(new byte[16]) } }),
            f => f.Contains("at least 32 bytes", StringComparison.Ordinal));
        Assert.Contains(ShortKeySecrets.Check(new ShortKeyOptions { Secrets = new() { ["32"] = Convert.ToBase64String(one) } }),
            f => f.Contains("1-31", StringComparison.Ordinal));
        Assert.Contains(ShortKeySecrets.Check(new ShortKeyOptions { CurrentVersion = "2", Secrets = new() { ["1"] = Convert.ToBase64String(one) } }),
            f => f.Contains("Licensing__ShortKeys__Secrets__2 is not set", StringComparison.Ordinal));
        Assert.Throws<InvalidOperationException>(() => new ShortKeySecrets(new ShortKeyOptions { Secrets = new() { ["1"] = "not base64" } }));
    }

    [Fact]
    public void In_Azure_an_unresolved_short_key_secret_stops_start_up()
    {
        var settings = Licensing.Functions.Hosting.ProductionSettings.All
            .ToDictionary(s => ProductionSettings.ConfigurationKey(s.Name), _ => (string?)"x");
        settings["WEBSITE_SITE_NAME"] = "func-test";
        settings["Licensing:AdminKey"] = new string('k', 40);
        settings["Licensing:Telemetry:SamplingRatio"] = "0.5";
        settings["Licensing:ShortKeys:CurrentVersion"] = "1";
        settings["Licensing:ShortKeys:Secrets:1"] = "@Microsoft.KeyVault(VaultName=kv;SecretName=short-key-1)";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = configuration.GetSection(LicensingOptions.Section).Get<LicensingOptions>()!;
        var validator = new LicensingOptionsValidator(configuration);
        var failure = Assert.Throws<InvalidOperationException>(() => validator.ThrowIfInvalid(options));
        Assert.Contains("short-key-1", failure.Message, StringComparison.Ordinal);

        settings["Licensing:ShortKeys:Secrets:1"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var resolved = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var result = new LicensingOptionsValidator(resolved).Validate(null, resolved.GetSection(LicensingOptions.Section).Get<LicensingOptions>()!);
        Assert.DoesNotContain("ShortKeys", result.FailureMessage ?? "", StringComparison.Ordinal);
    }
}
