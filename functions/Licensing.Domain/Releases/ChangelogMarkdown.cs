using System.Runtime.CompilerServices;
using System.Text;

namespace Licensing.Domain.Releases;

/// <summary>
/// Renders a changelog's Markdown to HTML that is safe to show in a WordPress admin screen or an app. Only a small,
/// documented subset is read (docs/releases.md): headings (<c>#</c> to <c>######</c>), paragraphs, bullet lists
/// (<c>-</c>, <c>*</c>, <c>+</c>), numbered lists (<c>1.</c>), fenced code blocks (<c>```</c>), and inline <c>**strong**</c>,
/// <c>*em*</c> / <c>_em_</c>, <c>`code`</c> and <c>[text](url)</c> links to http, https or mailto URLs. Everything else,
/// raw HTML included, is text: every <c>&amp; &lt; &gt; " '</c> is escaped, so the output holds no tag or attribute but
/// those this renderer writes.
/// </summary>
public static class ChangelogMarkdown
{
    private const int MaxNesting = 4;

    /// <summary>
    /// Renderings by changelog string: a release held by <see cref="ReleaseCache"/> keeps the same string, so update
    /// checks (as frequent as validations) render it once, not once per check. An entry goes with its string.
    /// </summary>
    private static readonly ConditionalWeakTable<string, string> Rendered = new();

    public static string ToHtml(string? markdown) => markdown is null ? "" : Rendered.GetValue(markdown, Render);

    private static string Render(string markdown)
    {
        var html = new StringBuilder();
        var lines = markdown.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
        var paragraph = new List<string>();
        string? list = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd();
            var trimmed = line.TrimStart();
            if (trimmed.StartsWith("```", StringComparison.Ordinal))
            {
                Flush(html, paragraph, ref list);
                html.Append("<pre><code>");
                var first = true;
                for (i++; i < lines.Length && !lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal); i++)
                {
                    if (!first) html.Append('\n');
                    Escape(lines[i], html);
                    first = false;
                }
                html.Append("</code></pre>\n");
                continue;
            }
            if (trimmed.Length == 0)
            {
                Flush(html, paragraph, ref list);
                continue;
            }
            if (Heading(trimmed) is { } level)
            {
                Flush(html, paragraph, ref list);
                html.Append("<h").Append(level).Append('>');
                Inline(trimmed[level..].Trim().TrimEnd('#').TrimEnd(), html, 0, links: true);
                html.Append("</h").Append(level).Append(">\n");
                continue;
            }
            if (ListItem(trimmed) is var (kind, text))
            {
                FlushParagraph(html, paragraph);
                if (list != kind)
                {
                    CloseList(html, ref list);
                    html.Append('<').Append(kind).Append(">\n");
                    list = kind;
                }
                html.Append("<li>");
                Inline(text, html, 0, links: true);
                html.Append("</li>\n");
                continue;
            }
            if (list is not null && line.StartsWith("  ", StringComparison.Ordinal))
            {
                // A continuation line of the last item is rendered as a line of its own inside the list.
                html.Append("<li>");
                Inline(trimmed, html, 0, links: true);
                html.Append("</li>\n");
                continue;
            }
            CloseList(html, ref list);
            paragraph.Add(trimmed);
        }
        Flush(html, paragraph, ref list);
        return html.ToString();
    }

    private static int? Heading(string line)
    {
        var level = 0;
        while (level < line.Length && line[level] == '#') level++;
        return level is >= 1 and <= 6 && (line.Length == level || line[level] == ' ') ? level : null;
    }

    private static (string Kind, string Text)? ListItem(string line)
    {
        if (line.Length >= 2 && line[0] is '-' or '*' or '+' && line[1] == ' ') return ("ul", line[2..].Trim());
        var digits = 0;
        while (digits < line.Length && digits < 9 && char.IsAsciiDigit(line[digits])) digits++;
        return digits > 0 && line.Length > digits + 1 && line[digits] is '.' or ')' && line[digits + 1] == ' '
            ? ("ol", line[(digits + 2)..].Trim()) : null;
    }

    private static void Flush(StringBuilder html, List<string> paragraph, ref string? list)
    {
        FlushParagraph(html, paragraph);
        CloseList(html, ref list);
    }

    private static void FlushParagraph(StringBuilder html, List<string> paragraph)
    {
        if (paragraph.Count == 0) return;
        html.Append("<p>");
        Inline(string.Join(' ', paragraph), html, 0, links: true);
        html.Append("</p>\n");
        paragraph.Clear();
    }

    private static void CloseList(StringBuilder html, ref string? list)
    {
        if (list is null) return;
        html.Append("</").Append(list).Append(">\n");
        list = null;
    }

    private static void Inline(string s, StringBuilder html, int depth, bool links)
    {
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c == '\\' && i + 1 < s.Length && s[i + 1] is > ' ' and < (char)0x7f && !char.IsAsciiLetterOrDigit(s[i + 1]))
            {
                Escape(s[i + 1], html);
                i += 2;
                continue;
            }
            if (c == '`' && s.IndexOf('`', i + 1) is var endCode && endCode > i)
            {
                html.Append("<code>");
                Escape(s[(i + 1)..endCode], html);
                html.Append("</code>");
                i = endCode + 1;
                continue;
            }
            if (depth < MaxNesting && c == '*' && i + 1 < s.Length && s[i + 1] == '*' && s.IndexOf("**", i + 2, StringComparison.Ordinal) is var endStrong
                && endStrong > i + 2)
            {
                Wrap("strong", s[(i + 2)..endStrong], html, depth, links);
                i = endStrong + 2;
                continue;
            }
            if (depth < MaxNesting && c is '*' or '_' && s.IndexOf(c, i + 1) is var endEm && endEm > i + 1 && s[i + 1] != ' ')
            {
                Wrap("em", s[(i + 1)..endEm], html, depth, links);
                i = endEm + 1;
                continue;
            }
            if (links && c == '[' && Link(s, i) is var (text, url, end))
            {
                html.Append("<a href=\"");
                Escape(url, html);
                html.Append("\" rel=\"nofollow noopener noreferrer\">");
                Inline(text, html, depth + 1, links: false);
                html.Append("</a>");
                i = end;
                continue;
            }
            Escape(c, html);
            i++;
        }
    }

    private static void Wrap(string tag, string inner, StringBuilder html, int depth, bool links)
    {
        html.Append('<').Append(tag).Append('>');
        Inline(inner, html, depth + 1, links);
        html.Append("</").Append(tag).Append('>');
    }

    /// <summary><c>[text](url)</c> at <paramref name="start"/> with a URL this renderer links to; null otherwise (then it is text).</summary>
    private static (string Text, string Url, int End)? Link(string s, int start)
    {
        var close = s.IndexOf("](", start + 1, StringComparison.Ordinal);
        if (close < 0) return null;
        var paren = s.IndexOf(')', close + 2);
        if (paren < 0) return null;
        var url = s[(close + 2)..paren].Trim();
        return IsSafeUrl(url) ? (s[(start + 1)..close], url, paren + 1) : null;
    }

    /// <summary>An absolute http, https or mailto URL with no space, quote, angle bracket or control character.</summary>
    public static bool IsSafeUrl(string url) =>
        url.Length is > 0 and <= 2000
        && url.All(ch => ch > ' ' && ch < 0x7f && ch is not ('"' or '\'' or '<' or '>' or '`' or '\\'))
        && (url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            || url.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase))
        && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "mailto";

    private static void Escape(string s, StringBuilder html)
    {
        foreach (var c in s) Escape(c, html);
    }

    /// <summary>Escapes the five characters HTML gives meaning to; drops control characters other than tab and newline.</summary>
    private static void Escape(char c, StringBuilder html)
    {
        switch (c)
        {
            case '&': html.Append("&amp;"); break;
            case '<': html.Append("&lt;"); break;
            case '>': html.Append("&gt;"); break;
            case '"': html.Append("&quot;"); break;
            case '\'': html.Append("&#39;"); break;
            case '\t' or '\n': html.Append(c); break;
            case < ' ' or '\u007f': break;
            default: html.Append(c); break;
        }
    }
}
