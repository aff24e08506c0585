namespace Licensing.Functions.Hosting;

/// <summary>
/// A secret for local runs, kept in a file (mode 600) outside the repo's tracked files and created on first run. Creation
/// is exclusive (O_CREAT|O_EXCL), so when several processes start at once exactly one creates it and writes its secret;
/// the others read that secret, waiting while it is being written. Never used in Azure.
/// </summary>
public static class LocalSecretFile
{
    /// <summary>
    /// Reads the file at <paramref name="path"/>, creating it with <paramref name="create"/>'s bytes when it does not exist.
    /// <paramref name="parse"/> throws <see cref="ArgumentException"/> or <see cref="FormatException"/> on a file still being written.
    /// </summary>
    public static T LoadOrCreate<T>(string path, Func<byte[]> create, Func<string, T> parse)
    {
        path = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        TryCreate(path, create);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return parse(File.ReadAllText(path));
            }
            catch (Exception e) when (e is ArgumentException or FormatException && attempt < 250)
            {
                // Another process created the file a moment ago and is still writing into it.
                Thread.Sleep(20);
            }
        }
    }

    private static void TryCreate(string path, Func<byte[]> create)
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
        {
            stream.Write(create());
            stream.Flush(flushToDisk: true);
        }
    }
}
