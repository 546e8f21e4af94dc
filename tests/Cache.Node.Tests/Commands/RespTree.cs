using System.Globalization;

namespace Cache.Node.Tests.Commands;

/// <summary>
/// A RESP2 reply as a tree, for tests that compare replies field by field: bulk and simple
/// strings are strings, integers longs, nulls null, arrays lists of nodes.
/// </summary>
internal static class RespTree
{
    public static object? Parse(string reply)
    {
        var i = 0;
        var value = Read(reply, ref i);
        Assert.Equal(reply.Length, i);
        return value;
    }

    private static object? Read(string reply, ref int i)
    {
        var end = reply.IndexOf("\r\n", i, StringComparison.Ordinal);
        var type = reply[i];
        var line = reply[(i + 1)..end];
        i = end + 2;
        switch (type)
        {
            case '+':
            case '-':
                return line;
            case ':':
                return long.Parse(line, CultureInfo.InvariantCulture);
            case '$':
                var length = int.Parse(line, CultureInfo.InvariantCulture);
                if (length < 0)
                {
                    return null;
                }

                var bulk = reply.Substring(i, length);
                i += length + 2;
                return bulk;
            case '*':
                var count = int.Parse(line, CultureInfo.InvariantCulture);
                if (count < 0)
                {
                    return null;
                }

                var items = new List<object?>(count);
                for (var n = 0; n < count; n++)
                {
                    items.Add(Read(reply, ref i));
                }

                return items;
            default:
                throw new FormatException($"Not a RESP2 type: '{type}'.");
        }
    }

    /// <summary>The tree as compact text, for assertion messages and equality.</summary>
    public static string Show(object? node) => node switch
    {
        null => "nil",
        string s => s,
        long n => n.ToString(CultureInfo.InvariantCulture),
        List<object?> list => "[" + string.Join(" ", list.Select(Show)) + "]",
        _ => node.ToString() ?? "",
    };
}
