using System.Text.Json;

namespace Licensing.Tests.Support;

/// <summary>functions.metadata, as the worker SDK generated it at build time: what the Functions host reads.</summary>
public static class FunctionsMetadata
{
    public static JsonElement[] Functions()
    {
        var path = Path.Combine(Repo.FunctionsOutput, "functions.metadata");
        Assert.True(File.Exists(path), $"{path} is missing: build the function app first");
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement.EnumerateArray().ToArray();
    }

    /// <summary>One row per HTTP function and method: name, upper-case method, route, entry point.</summary>
    public static IEnumerable<(string Name, string Method, string Route, string EntryPoint)> HttpRoutes() =>
        from f in Functions()
        from b in Bindings(f, "httpTrigger")
        from m in b.GetProperty("methods").EnumerateArray()
        select (f.GetProperty("name").GetString()!, m.GetString()!.ToUpperInvariant(), b.GetProperty("route").GetString()!,
            f.GetProperty("entryPoint").GetString()!);

    public static IEnumerable<JsonElement> Bindings(JsonElement function, string type) =>
        function.GetProperty("bindings").EnumerateArray().Where(b => b.GetProperty("type").GetString() == type);
}
