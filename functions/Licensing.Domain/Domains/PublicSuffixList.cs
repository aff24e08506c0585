namespace Licensing.Domain.Domains;

/// <summary>
/// The Public Suffix List (https://publicsuffix.org), both its ICANN and its private section, shipped with the
/// project as <c>public_suffix_list.dat</c> (refreshed by <c>scripts/update-public-suffix-list.sh</c>). It decides what
/// "the site" of a host is wherever the code needs it: the registrable domain is the public suffix plus one label
/// (<c>shop.example.co.uk</c> → <c>example.co.uk</c>, <c>me.github.io</c> → <c>me.github.io</c>).
/// The full rule syntax applies: normal rules, <c>*.</c> wildcard rules, <c>!</c> exception rules (an exception
/// prevails over every other match), the longest match otherwise, and the default rule <c>*</c> for unlisted TLDs.
/// Hosts are taken in the form <see cref="DomainName.Normalize"/> gives (lower-case ASCII, punycode); upper case and
/// Unicode names are mapped to that form first, and answers are always in that form. IP addresses and malformed
/// names (empty labels, a leading dot) have no public suffix and no registrable domain.
/// The list is parsed once, lazily and thread-safely, into one table that is only read afterwards (a few ms; a
/// frozen table took four times as long to build and looked up no faster); a lookup probes it from the last label
/// leftwards, one probe per label of the public suffix plus one, with no allocation but the returned string.
/// </summary>
public static class PublicSuffixList
{
    private const string ResourceName = "Licensing.Domain.Domains.public_suffix_list.dat";
    private static readonly Lazy<Rules> Shipped = new(LoadShipped, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The registrable domain (the site) of <paramref name="host"/>, or null when the host is itself a public
    /// suffix, an IP address or not a host name.</summary>
    public static string? RegistrableDomain(string? host) => Shipped.Value.RegistrableDomain(host);

    /// <summary>The public suffix of <paramref name="host"/> (<c>co.uk</c>, <c>github.io</c>), or null for IP addresses
    /// and names that are not host names.</summary>
    public static string? PublicSuffix(string? host) => Shipped.Value.PublicSuffix(host);

    /// <summary>True when <paramref name="host"/> is itself a public suffix (<c>com</c>, <c>co.uk</c>, <c>github.io</c>,
    /// or an unlisted TLD under the default rule).</summary>
    public static bool IsPublicSuffix(string? host) => Shipped.Value.IsPublicSuffix(host);

    /// <summary>
    /// True when every name at or below <paramref name="host"/> belongs to one site: the host has a registrable domain
    /// and no public suffix lies below it (<c>example.co.uk</c> yes; <c>co.uk</c> no; <c>amazonaws.com</c> no, since
    /// <c>s3.amazonaws.com</c> and others below it are public suffixes; <c>kobe.jp</c> no, under its <c>*.kobe.jp</c>
    /// rule). This is what a wildcard binding <c>*.host</c> needs to cover one site only.
    /// </summary>
    public static bool IsWithinOneSite(string? host) => Shipped.Value.IsWithinOneSite(host);

    /// <summary>Number of rules in the shipped list (ICANN and private sections).</summary>
    public static int RuleCount => Shipped.Value.Count;

    private static Rules LoadShipped()
    {
        using var stream = typeof(PublicSuffixList).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing");
        using var reader = new StreamReader(stream);
        return Rules.Parse(reader);
    }

    /// <summary>A parsed list. <see cref="Parse"/> takes the list's text format; the shipped list is the one above.</summary>
    public sealed class Rules
    {
        [Flags]
        private enum Kind : byte
        {
            Normal = 1,
            Wildcard = 2, // key = the part after "*."
            Exception = 4, // key = the part after "!"
            SuffixBelow = 8, // some rule names a public suffix strictly below the key
            RuleBelow = 16, // some rule (exceptions included) lies strictly below the key: a lookup goes on leftwards
        }

        private readonly Dictionary<string, Kind>.AlternateLookup<ReadOnlySpan<char>> _lookup; // never written after Parse

        private Rules(Dictionary<string, Kind> table, int count)
        {
            _lookup = table.GetAlternateLookup<ReadOnlySpan<char>>();
            Count = count;
        }

        public int Count { get; }

        /// <summary>Reads the list format: one rule per line, read up to the first whitespace; <c>//</c> comments and
        /// blank lines skipped; rules in Unicode are stored in punycode. A rule the format does not allow throws.</summary>
        public static Rules Parse(TextReader reader)
        {
            var table = new Dictionary<string, Kind>(StringComparer.Ordinal);
            var count = 0;
            var lineNumber = 0;
            while (reader.ReadLine() is { } line)
            {
                lineNumber++;
                var text = line.AsSpan().Trim();
                if (text.IsEmpty || text.StartsWith("//", StringComparison.Ordinal)) continue;
                var space = text.IndexOfAny(' ', '\t');
                var rule = (space < 0 ? text : text[..space]).ToString();
                var (kind, name) = rule[0] switch
                {
                    '!' => (Kind.Exception, rule[1..]),
                    '*' when rule.StartsWith("*.", StringComparison.Ordinal) => (Kind.Wildcard, rule[2..]),
                    _ => (Kind.Normal, rule),
                };
                var ascii = name.Contains('*', StringComparison.Ordinal) ? null : IsCanonicalAscii(name) ? name : DomainName.ToAsciiName(name);
                if (ascii is null || !HasOnlyNonEmptyLabels(ascii) || (kind == Kind.Exception && !ascii.Contains('.', StringComparison.Ordinal)))
                    throw new FormatException($"public suffix list line {lineNumber}: '{rule}' is not a rule");
                count++;
                table[ascii] = table.GetValueOrDefault(ascii) | kind;
                // Every ancestor of a rule (and, for *.name, name itself) has a rule below it; unless the rule is an
                // exception, that rule names a public suffix.
                var below = kind == Kind.Exception ? Kind.RuleBelow : Kind.RuleBelow | Kind.SuffixBelow;
                for (var at = kind == Kind.Wildcard ? ascii : After(ascii); at is not null; at = After(at))
                    table[at] = table.GetValueOrDefault(at) | below;
            }
            return new Rules(table, count);
        }

        public string? RegistrableDomain(string? host)
        {
            var name = Canonical(host);
            if (name is null) return null;
            var suffix = SuffixStart(name);
            if (suffix == 0) return null;
            var start = name.LastIndexOf('.', suffix - 2) + 1;
            return start == 0 ? name : name[start..];
        }

        public string? PublicSuffix(string? host)
        {
            var name = Canonical(host);
            if (name is null) return null;
            var suffix = SuffixStart(name);
            return suffix == 0 ? name : name[suffix..];
        }

        public bool IsPublicSuffix(string? host) => Canonical(host) is { } name && SuffixStart(name) == 0;

        public bool IsWithinOneSite(string? host) =>
            Canonical(host) is { } name && SuffixStart(name) > 0 && (!_lookup.TryGetValue(name, out var kind) || (kind & Kind.SuffixBelow) == 0);

        /// <summary>
        /// Where the public suffix of <paramref name="name"/> (a canonical host) starts: 0 when the whole name is one.
        /// Walks from the last label leftwards and stops where no rule lies further left, so a lookup costs one probe
        /// per label of the public suffix plus one, whatever the depth of the host.
        /// </summary>
        private int SuffixStart(string name)
        {
            var best = name.LastIndexOf('.') + 1; // the default rule "*": the last label
            var start = best;
            var right = -1;
            while (_lookup.TryGetValue(name.AsSpan(start), out var kind))
            {
                // An exception rule prevails over every other match; its public suffix drops its first label.
                if ((kind & Kind.Exception) != 0) return right;
                var left = start == 0 ? -1 : name.LastIndexOf('.', start - 2) + 1;
                if ((kind & Kind.Normal) != 0) best = Math.Min(best, start);
                if ((kind & Kind.Wildcard) != 0 && left >= 0) best = Math.Min(best, left);
                if ((kind & Kind.RuleBelow) == 0 || left < 0) break;
                right = start;
                start = left;
            }
            return best;
        }

        /// <summary>The host in the list's form (lower-case ASCII), or null for IP addresses and non-host names.</summary>
        private static string? Canonical(string? host)
        {
            if (string.IsNullOrEmpty(host) || host.Length > 253) return null;
            var name = IsCanonicalAscii(host) ? host : DomainName.ToAsciiName(host);
            if (name is null || !HasOnlyNonEmptyLabels(name)) return null;
            return DomainName.EndsInNumber(name) ? null : name;
        }

        private static bool IsCanonicalAscii(string s)
        {
            foreach (var c in s)
                if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.')) return false;
            return true;
        }

        private static bool HasOnlyNonEmptyLabels(string name) =>
            name.Length > 0 && name[0] != '.' && name[^1] != '.' && !name.Contains("..", StringComparison.Ordinal);

        private static string? After(string name)
        {
            var dot = name.IndexOf('.');
            return dot < 0 ? null : name[(dot + 1)..];
        }
    }
}
