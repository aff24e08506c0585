using System.Security.Cryptography;
using Licensing.Domain.Signing;

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

    private static ECDsa LoadOrCreate(string path)
    {
        if (!File.Exists(path))
        {
            // Written to a private temp file, then moved into place without overwriting: the key file appears whole or
            // not at all, and if two processes start at once exactly one key wins and both use it.
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllText(temp, "");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.WriteAllText(temp, fresh.ExportPkcs8PrivateKeyPem());
            try
            {
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temp);
            }
        }
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(path));
        if (key.KeySize != 256) throw new CryptographicException($"{path} does not hold a P-256 key");
        return key;
    }
}
