namespace Licensing.Tests.Hosting;

public sealed class DomainLibraryTests
{
    [Fact]
    public void The_domain_library_references_no_Azure_or_Functions_assembly()
    {
        var references = typeof(Licensing.Domain.Signing.LicenseKey).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.NotEmpty(references);
        Assert.DoesNotContain(references, name => name.StartsWith("Azure", StringComparison.Ordinal)
                                                  || name.StartsWith("Microsoft.Azure", StringComparison.Ordinal)
                                                  || name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
                                                  || name.StartsWith("Stripe", StringComparison.Ordinal));
    }
}
