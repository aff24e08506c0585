using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Cli;
using YamlDotNet.Serialization;

namespace Licensing.Cli.Commands;

public sealed class ProductsListCommand(CliEnvironment env) : ApiCommand<ApiSettings>(env)
{
    protected override async Task<int> RunAsync(ApiSettings settings, CancellationToken ct)
    {
        using var client = Client(settings);
        var products = await client.ListProductsAsync(ct);
        if (settings.Json) { WriteJson(products); return ExitCodes.Ok; }
        var table = new Table().AddColumns("product", "name", "plans");
        foreach (var p in products)
            table.AddRow(Markup.Escape(p["productId"]?.ToString() ?? ""), Markup.Escape(p["name"]?.ToString() ?? ""),
                Markup.Escape(string.Join(", ", p["plans"]?.AsArray().Select(plan => plan?["id"]?.ToString()) ?? [])));
        Console.Write(table);
        return ExitCodes.Ok;
    }
}

public sealed class ProductShowSettings : ApiSettings
{
    [CommandArgument(0, "<productId>")]
    public string ProductId { get; set; } = "";
}

public sealed class ProductShowCommand(CliEnvironment env) : ApiCommand<ProductShowSettings>(env)
{
    protected override async Task<int> RunAsync(ProductShowSettings settings, CancellationToken ct)
    {
        using var client = Client(settings);
        var product = await client.GetProductAsync(settings.ProductId, ct);
        if (settings.Json) { WriteJson(product); return ExitCodes.Ok; }
        Console.MarkupLineInterpolated($"[bold]{product["productId"]}[/]  {product["name"]}");
        var table = new Table().AddColumns("plan", "model", "duration", "activations", "features");
        foreach (var plan in product["plans"]?.AsArray() ?? [])
            table.AddRow(Markup.Escape(plan?["id"]?.ToString() ?? ""), Markup.Escape(plan?["model"]?.ToString() ?? ""),
                plan?["durationDays"] is { } d ? $"{d} days" : "-", plan?["maxActivations"]?.ToString() ?? "unlimited",
                Markup.Escape(string.Join(", ", plan?["features"]?.AsArray().Select(f => f?.ToString()) ?? [])));
        Console.Write(table);
        return ExitCodes.Ok;
    }
}

public sealed class ProductApplySettings : ApiSettings
{
    [CommandArgument(0, "<file>")]
    [Description("A product as JSON or YAML (.yaml/.yml): name, plans, ... as PUT /v1/products/{productId} takes it.")]
    public string File { get; set; } = "";

    [CommandOption("--id <PRODUCT_ID>")]
    [Description("The product id (default: the file's productId).")]
    public string? ProductId { get; set; }
}

/// <summary>Creates or replaces a product from a file: the file is the source of truth, as in a repository.</summary>
public sealed class ProductApplyCommand(CliEnvironment env) : ApiCommand<ProductApplySettings>(env)
{
    protected override async Task<int> RunAsync(ProductApplySettings settings, CancellationToken ct)
    {
        if (!System.IO.File.Exists(settings.File)) throw new UsageException($"no such file: {settings.File}");
        var product = Read(settings.File);
        var id = settings.ProductId ?? product["productId"]?.ToString() ?? throw new UsageException("the file has no productId: add one or pass --id");
        product.Remove("productId");
        using var client = Client(settings);
        var (saved, created) = await client.PutProductAsync(id, product, ct);
        if (settings.Json) WriteJson(saved);
        else Console.MarkupLineInterpolated($"{(created ? "Created" : "Updated")} product [bold]{id}[/] ({saved["plans"]?.AsArray().Count ?? 0} plans).");
        return ExitCodes.Ok;
    }

    internal static JsonObject Read(string path)
    {
        var text = System.IO.File.ReadAllText(path);
        try
        {
            var node = Path.GetExtension(path).ToLowerInvariant() is ".yaml" or ".yml" ? FromYaml(text) : JsonNode.Parse(text);
            return node as JsonObject ?? throw new UsageException($"{path}: the product must be an object");
        }
        catch (Exception e) when (e is JsonException or YamlDotNet.Core.YamlException)
        {
            throw new UsageException($"{path}: {e.Message}");
        }
    }

    private static JsonNode? FromYaml(string text) =>
        ToJson(new DeserializerBuilder().WithAttemptingUnquotedStringTypeDeserialization().Build().Deserialize<object?>(text));

    private static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        IDictionary<object, object?> map => new JsonObject(map.Select(e => KeyValuePair.Create(e.Key.ToString()!, ToJson(e.Value)))),
        IList<object?> list => new JsonArray(list.Select(ToJson).ToArray()),
        bool b => JsonValue.Create(b),
        sbyte or byte or short or ushort or int or uint or long or ulong => JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        float or double or decimal => JsonValue.Create(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
        _ => JsonValue.Create(value.ToString()),
    };
}
