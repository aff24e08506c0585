using System.Globalization;
using System.Text;

namespace Licensing.Domain.Releases;

/// <summary>
/// PHP's <c>serialize()</c> format for the values Easy Digital Downloads' updater reads back with <c>maybe_unserialize</c>:
/// strings (length in UTF-8 bytes), integers, booleans, null and ordered arrays with string or integer keys.
/// </summary>
public static class PhpSerialized
{
    public static string Serialize(object? value)
    {
        var s = new StringBuilder();
        Write(value, s);
        return s.ToString();
    }

    private static void Write(object? value, StringBuilder s)
    {
        switch (value)
        {
            case null:
                s.Append("N;");
                break;
            case bool b:
                s.Append("b:").Append(b ? '1' : '0').Append(';');
                break;
            case int or long:
                s.Append("i:").Append(Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)).Append(';');
                break;
            case string text:
                s.Append("s:").Append(Encoding.UTF8.GetByteCount(text).ToString(CultureInfo.InvariantCulture)).Append(":\"").Append(text).Append("\";");
                break;
            case IEnumerable<KeyValuePair<string, object?>> map:
                var entries = map.ToArray();
                s.Append("a:").Append(entries.Length.ToString(CultureInfo.InvariantCulture)).Append(":{");
                foreach (var (key, item) in entries)
                {
                    // PHP turns a decimal-integer string key into an integer key; serialize() writes what PHP holds.
                    if (long.TryParse(key, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
                        && n.ToString(CultureInfo.InvariantCulture) == key) Write(n, s);
                    else Write(key, s);
                    Write(item, s);
                }
                s.Append('}');
                break;
            case IEnumerable<object?> list:
                Write(list.Select((item, i) => new KeyValuePair<string, object?>(i.ToString(CultureInfo.InvariantCulture), item)), s);
                break;
            default:
                throw new ArgumentException($"PHP serialization of {value.GetType().Name} is not supported", nameof(value));
        }
    }
}
