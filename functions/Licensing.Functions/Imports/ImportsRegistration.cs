using Licensing.Domain.Imports;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Functions.Imports;

public static class ImportsRegistration
{
    /// <summary>Importing keys sold elsewhere (as alias keys of licenses of their own).</summary>
    public static IServiceCollection AddImports(this IServiceCollection services) => services.AddSingleton<LicenseImporter>();
}
