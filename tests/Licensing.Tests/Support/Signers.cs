using Licensing.Domain.Signing;
using Licensing.Functions.Signing;

namespace Licensing.Tests.Support;

public static class Signers
{
    /// <summary>A fresh local P-256 root key in a temp file.</summary>
    public static LocalRootSigner NewLocal() =>
        new(Path.Combine(Path.GetTempPath(), "licensing-unit-" + Guid.NewGuid().ToString("N"), "key.pem"));

    public static KeyRing Ring(IRootSigner signer) => new(signer.GetPublicKeysAsync(CancellationToken.None).GetAwaiter().GetResult());
}
