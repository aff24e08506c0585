namespace Licensing.Tests.Support;

/// <summary>Paths in the repository checkout the tests run from.</summary>
public static class Repo
{
    public static string Root { get; } = Find();

    public static string PathTo(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Debug or Release: the configuration this test assembly was built in (the function app's matches).</summary>
    public static string Configuration { get; } = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}")
        ? "Release" : "Debug";

    public static string FunctionsOutput => PathTo("functions", "Licensing.Functions", "bin", Configuration, "net10.0");

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Licensing.Functions.sln"))) return dir.FullName;
        throw new InvalidOperationException("run the tests from a checkout: Licensing.Functions.sln not found above " + AppContext.BaseDirectory);
    }
}
