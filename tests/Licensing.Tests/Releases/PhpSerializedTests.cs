using Licensing.Domain.Releases;

namespace Licensing.Tests.Releases;

/// <summary>PHP's serialize() format, checked against what PHP itself writes for the same values.</summary>
public sealed class PhpSerializedTests
{
    [Fact]
    public void Scalars_are_written_as_php_writes_them()
    {
        Assert.Equal("N;", PhpSerialized.Serialize(null));
        Assert.Equal("b:1;", PhpSerialized.Serialize(true));
        Assert.Equal("b:0;", PhpSerialized.Serialize(false));
        Assert.Equal("i:-42;", PhpSerialized.Serialize(-42));
        Assert.Equal("s:0:\"\";", PhpSerialized.Serialize(""));
        // Lengths are UTF-8 bytes: serialize("é") is s:2:"é"; serialize("😀") is s:4:"😀".
        Assert.Equal("s:2:\"é\";", PhpSerialized.Serialize("é"));
        Assert.Equal("s:4:\"😀\";", PhpSerialized.Serialize("😀"));
        Assert.Equal("s:5:\"a\"b;c\";", PhpSerialized.Serialize("a\"b;c"));
    }

    [Fact]
    public void Arrays_keep_their_order_and_php_key_types()
    {
        // PHP: serialize(['description' => '', 'changelog' => '<p>x</p>'])
        Assert.Equal("a:2:{s:11:\"description\";s:0:\"\";s:9:\"changelog\";s:8:\"<p>x</p>\";}",
            PhpSerialized.Serialize(new Dictionary<string, object?> { ["description"] = "", ["changelog"] = "<p>x</p>" }));
        // PHP: serialize([]) and serialize(['a', 'b']); a decimal string key is an integer key in PHP: serialize(['7' => true])
        Assert.Equal("a:0:{}", PhpSerialized.Serialize(new Dictionary<string, object?>()));
        Assert.Equal("a:2:{i:0;s:1:\"a\";i:1;s:1:\"b\";}", PhpSerialized.Serialize(new object?[] { "a", "b" }));
        Assert.Equal("a:2:{i:7;b:1;s:2:\"07\";N;}", PhpSerialized.Serialize(new Dictionary<string, object?> { ["7"] = true, ["07"] = null }));
    }
}
