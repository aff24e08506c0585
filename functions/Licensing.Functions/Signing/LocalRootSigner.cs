using System.Security.Cryptography;
using Licensing.Domain.Keys;

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
        var key = ECDsa.Create();
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            try
            {
                // CreateNew: if two processes start at once, exactly one writes and both read the same key.
                using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                using var writer = new StreamWriter(stream);
                writer.Write(fresh.ExportPkcs8PrivateKeyPem());
            }
            catch (IOException) when (File.Exists(path))
            {
            }
        }
        for (var attempt = 0; ; attempt++)
        {
            var pem = File.ReadAllText(path);
            try
            {
                key.ImportFromPem(pem);
                break;
            }
            catch (ArgumentException) when (attempt < 20)
            {
                Thread.Sleep(50); // the other process is still writing it
            }
        }
        if (key.KeySize != 256) throw new CryptographicException($"{path} does not hold a P-256 key");
        return key;
    }
}
