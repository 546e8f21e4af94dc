namespace Cache.Node.Tests.Commands;

/// <summary>Reads values back out of a reply's wire text, for tests that look past byte equality.</summary>
internal static class RespText
{
    /// <summary>Every bulk string of the reply, depth first, in order (aggregate headers skipped).</summary>
    public static List<string> Bulks(string reply)
    {
        var bulks = new List<string>();
        var i = 0;
        while (i < reply.Length)
        {
            var end = reply.IndexOf("\r\n", i, StringComparison.Ordinal);
            var line = reply[i..end];
            i = end + 2;
            if (line[0] == '$' && line != "$-1")
            {
                var length = int.Parse(line.AsSpan(1));
                bulks.Add(reply.Substring(i, length));
                i += length + 2;
            }
        }

        return bulks;
    }

    /// <summary>The first line of the reply: the type and length of an aggregate, e.g. "*4".</summary>
    public static string Header(string reply) => reply[..reply.IndexOf("\r\n", StringComparison.Ordinal)];

    /// <summary>A flat field/value list as pairs.</summary>
    public static List<(string Field, string Value)> Pairs(IReadOnlyList<string> flat)
    {
        var pairs = new List<(string, string)>();
        for (var i = 0; i + 1 < flat.Count; i += 2)
        {
            pairs.Add((flat[i], flat[i + 1]));
        }

        return pairs;
    }
}
