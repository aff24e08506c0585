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
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        TryCreate(path);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var key = ECDsa.Create();
                key.ImportFromPem(File.ReadAllText(path));
                if (key.KeySize != 256) throw new CryptographicException($"{path} does not hold a P-256 key");
                return key;
            }
            catch (ArgumentException) when (attempt < 250)
            {
                // Another process created the file a moment ago and is still writing the key into it.
                Thread.Sleep(20);
            }
        }
    }

    /// <summary>
    /// Creates the key file if none exists. Creation is exclusive (O_CREAT|O_EXCL), so when several processes start at
    /// once exactly one creates it and writes its key; the others read that key (waiting while it is being written).
    /// </summary>
    private static void TryCreate(string path)
    {
        if (File.Exists(path)) return;
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.ReadWrite };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        FileStream stream;
        try
        {
            stream = new FileStream(path, options);
        }
        catch (IOException) when (File.Exists(path))
        {
            return;
        }
        using (stream)
        using (var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            stream.Write(System.Text.Encoding.ASCII.GetBytes(fresh.ExportPkcs8PrivateKeyPem()));
            stream.Flush(flushToDisk: true);
        }
    }
}
