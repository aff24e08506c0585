using FsCheck;
using FsCheck.Xunit;
using Licensing.Functions.Storage;

namespace Licensing.Tests.Storage;

public sealed class TableKeysTests
{
    [Theory]
    [InlineData("evt_1NqX8e2eZvKYlo2C")]
    [InlineData("cs_test_a1B2-c3.d4")]
    public void Ids_providers_send_are_kept_as_they_are(string id) => Assert.Equal(id, TableKeys.For(id));

    [Theory]
    [InlineData("evt_/a")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("a\\b")]
    [InlineData("a\u0001b")]
    [InlineData("")]
    [InlineData("~abc")]
    public void Anything_storage_refuses_becomes_a_hash_key(string id)
    {
        var key = TableKeys.For(id);
        Assert.StartsWith("~", key);
        Assert.True(key.Length <= 44);
        Assert.All(key[1..], c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
    }

    [Property(MaxTest = 500)]
    public bool Different_inputs_never_share_a_key(NonNull<string> a, NonNull<string> b) =>
        a.Get == b.Get || TableKeys.For(a.Get) != TableKeys.For(b.Get);

    [Property(MaxTest = 500)]
    public bool Every_key_is_one_storage_accepts(NonNull<string> a)
    {
        var key = TableKeys.For(a.Get);
        return key.Length is > 0 and <= 200 && key.All(c => c is >= ' ' and < '\u007f' && c is not ('/' or '\\' or '#' or '?'));
    }
}
