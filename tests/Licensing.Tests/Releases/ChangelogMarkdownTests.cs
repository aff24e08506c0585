using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Xunit;
using Licensing.Domain.Releases;

namespace Licensing.Tests.Releases;

/// <summary>The changelog renderer: the documented subset, and no markup or attribute but its own whatever the input.</summary>
public sealed partial class ChangelogMarkdownTests
{
    /// <summary>Every tag the renderer may write; anything else starting with '&lt;' in its output is a failure.</summary>
    [GeneratedRegex("""^<(/?(h[1-6]|p|ul|ol|li|strong|em|code|pre)|a href="[^"<>]*" rel="nofollow noopener noreferrer"|/a)>""")]
    private static partial Regex AllowedTag();

    private static void AssertSafe(string html)
    {
        for (var i = html.IndexOf('<'); i >= 0; i = html.IndexOf('<', i + 1))
            Assert.True(AllowedTag().IsMatch(html[i..]), $"unexpected markup at {i}: {html[i..Math.Min(html.Length, i + 60)]}");
        foreach (Match href in Regex.Matches(html, "href=\"([^\"]*)\""))
            Assert.Matches("^(https?://|mailto:)", href.Groups[1].Value.ToLowerInvariant());
    }

    [Fact]
    public void The_documented_subset_renders()
    {
        var html = ChangelogMarkdown.ToHtml("""
            ## 1.4.0
            Faster **exports** and *new* `--dry-run`.

            - Fixed [an issue](https://example.com/a?b=1&c=2) with _dates_
            * Added CSV
            1. First
            2) Second

            ```
            <b>kept as text</b>
            ```
            """);
        Assert.Equal("""
            <h2>1.4.0</h2>
            <p>Faster <strong>exports</strong> and <em>new</em> <code>--dry-run</code>.</p>
            <ul>
            <li>Fixed <a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener noreferrer">an issue</a> with <em>dates</em></li>
            <li>Added CSV</li>
            </ul>
            <ol>
            <li>First</li>
            <li>Second</li>
            </ol>
            <pre><code>&lt;b&gt;kept as text&lt;/b&gt;</code></pre>

            """.Replace("\r\n", "\n"), html);
    }

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("[click](javascript:alert(1))")]
    [InlineData("[click](JaVaScRiPt:alert(1))")]
    [InlineData("[click]( javascript:alert(1))")]
    [InlineData("[click](data:text/html;base64,PHNjcmlwdD4=)")]
    [InlineData("[click](vbscript:msgbox(1))")]
    [InlineData("[x](http://a\" onmouseover=\"alert(1))")]
    [InlineData("[x](http://a' onmouseover='alert(1))")]
    [InlineData("[x](http://a><script>alert(1)</script>)")]
    [InlineData("[<img src=x onerror=alert(1)>](https://ok.example)")]
    [InlineData("**<svg onload=alert(1)>**")]
    [InlineData("`<iframe src=//evil>`")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>")]
    [InlineData("&lt;script&gt; &#60;script&#62;")]
    [InlineData("# <style>*{}</style>")]
    [InlineData("- <object data=evil>")]
    [InlineData("[a](https://x)[b](javascript:1)")]
    [InlineData("\\<script>")]
    public void Xss_vectors_come_out_as_text(string markdown)
    {
        var html = ChangelogMarkdown.ToHtml(markdown);
        AssertSafe(html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:\"", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch("href=\"[^\"]*(javascript|data|vbscript):", html);
    }

    [Fact]
    public void Entities_typed_by_the_author_are_escaped_not_decoded() =>
        Assert.Equal("<p>&amp;lt;script&amp;gt;</p>\n", ChangelogMarkdown.ToHtml("&lt;script&gt;"));

    [Property(MaxTest = 1000)]
    public void Any_input_renders_to_only_the_renderers_own_markup(NonNull<string> text, int seed)
    {
        // Dense in the characters that matter: markup, quotes, Markdown punctuation, URLs and line breaks.
        var pieces = new[] { "<", ">", "\"", "'", "&", "[", "](", ")", "*", "**", "_", "`", "```", "\n", "\n\n", "# ", "- ", "1. ", "\\",
            "javascript:", "https://a.example/", "mailto:x@y", " on", "=", "script", "\u0000", "\r" };
        var random = new Random(seed);
        var input = string.Concat(Enumerable.Range(0, random.Next(1, 60)).Select(_ => random.Next(3) == 0 ? text.Get : pieces[random.Next(pieces.Length)]));
        AssertSafe(ChangelogMarkdown.ToHtml(input));
    }
}
