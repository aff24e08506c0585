using Azure.Core;
using Licensing.Domain.Signing;
using Licensing.Functions.Activations;
using Licensing.Functions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Licensing.Functions.Signing;

public static class SigningRegistration
{
    /// <summary>
    /// The root signer (Key Vault when <see cref="SigningOptions.KeyVaultUri"/> is set, else the local key file), the
    /// delegated keys, the JWKS and certificates, and the per-instance caches of verified keys and certificates.
    /// </summary>
    public static IServiceCollection AddSigning(this IServiceCollection services)
    {
        services.AddSingleton<IRootSigner>(sp => sp.GetRequiredService<IOptions<LicensingOptions>>().Value.Signing is var signing
            && string.IsNullOrWhiteSpace(signing.KeyVaultUri)
            ? new LocalRootSigner(signing.LocalKeyPath)
            : new KeyVaultRootSigner(new Uri(signing.KeyVaultUri), signing.KeyName, sp.GetRequiredService<TokenCredential>()));
        services.AddSingleton<PublicKeyCache>();
        services.AddSingleton<IDelegatedKeyRegistry, DelegatedKeyTableRegistry>();
        services.AddSingleton<DelegatedKeyProvider>();
        services.AddSingleton<JwksProvider>();
        services.AddSingleton(new VerifiedKeyCache());
        services.AddSingleton(sp => new CertificateCache(sp.GetRequiredService<TimeProvider>(),
            TimeSpan.FromSeconds(Math.Clamp(sp.GetRequiredService<IOptions<LicensingOptions>>().Value.CertificateReuseSeconds, 0, 300))));
        services.AddSingleton<CertificateIssuer>();
        services.AddHostedService<DelegatedKeyWarmup>();
        return services;
    }
}
