using System.Security.Cryptography;
using Licensing.Domain.Signing;
using Licensing.Functions.Hosting;

namespace Licensing.Functions.Signing;

/// <summary>
/// The root key for local runs: a P-256 key created on first run and kept as PKCS#8 PEM (mode 600) at a path
/// outside the repo's tracked files, so a restart keeps every issued key valid. Never used in Azure.
/// </summary>
public sealed class LocalRootSigner : IRootSigner, IDisposable
{
    private readonly ECDsa _key;
    private readonly Lock _gate = new();

    public LocalRootSigner(string path)
    {
        _key = LoadOrCreate(Path.GetFullPath(path));
        var parameters = _key.ExportParameters(false);
        var spki = _key.ExportSubjectPublicKeyInfo();
        Kid = "local-" + Convert.ToHexStringLower(SHA256.HashData(spki).AsSpan(0, 8));
        PublicKey = PublicJwk.From(Kid, parameters);
    }

    public string Kid { get; }
    public PublicJwk PublicKey { get; }

    public Task<string> GetCurrentKidAsync(CancellationToken cancellationToken) => Task.FromResult(Kid);

    public Task<Signature> SignDigestAsync(string kid, byte[] sha256Digest, CancellationToken cancellationToken)
    {
        if (kid != Kid) throw new CryptographicException($"unknown key '{kid}'");
        lock (_gate)
            return Task.FromResult(new Signature(Kid, _key.SignHash(sha256Digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)));
    }

    public Task<IReadOnlyList<PublicJwk>> GetPublicKeysAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<PublicJwk>>([PublicKey]);

    public void Dispose() => _key.Dispose();

    /// <summary>The key file, created on first run (<see cref="LocalSecretFile"/>: exclusively, so concurrent starts agree on one key).</summary>
    private static ECDsa LoadOrCreate(string path) => LocalSecretFile.LoadOrCreate(path, () =>
    {
        using var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return System.Text.Encoding.ASCII.GetBytes(fresh.ExportPkcs8PrivateKeyPem());
    }, pem =>
    {
        var key = ECDsa.Create();
        key.ImportFromPem(pem);
        if (key.KeySize != 256) throw new CryptographicException($"{path} does not hold a P-256 key");
        return key;
    });
}
