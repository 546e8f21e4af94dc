using System.Text;

namespace Cache.Node.Commands;

/// <summary>
/// A library's first line, <c>#!&lt;engine&gt; name=&lt;library&gt;</c>, read as Redis 7.0's
/// functionExtractLibMetaData does: the line split as sdssplitargs splits (quotes and escapes
/// allowed), the engine after the <c>#!</c>, then only <c>name=</c> (once).
/// </summary>
internal static class FunctionHeader
{
    /// <summary>Null with the engine, library name and where the code after the line starts (at its newline), or the error.</summary>
    public static string? TryRead(ReadOnlySpan<byte> code, out string engine, out string name, out int body)
    {
        engine = name = "";
        body = 0;
        if (!code.StartsWith("#!"u8))
        {
            return "ERR Missing library metadata";
        }

        var end = code.IndexOf((byte)'\n');
        if (end < 0 || SplitArgs(code[..end]) is not { Count: > 0 } parts)
        {
            return "ERR Invalid library metadata";
        }

        engine = parts[0][2..];
        string? found = null;
        foreach (var part in parts.Skip(1))
        {
            if (!part.StartsWith("name=", StringComparison.OrdinalIgnoreCase))
            {
                return "ERR Invalid metadata value given: " + part;
            }

            if (found is not null)
            {
                return "ERR Invalid metadata value, name argument was given multiple times";
            }

            found = part[5..];
        }

        if (found is null)
        {
            return "ERR Library name was not given";
        }

        name = found;
        body = end;
        return null;
    }

    /// <summary>Letters, digits and underscores, at least one (Redis' functionsVerifyName).</summary>
    public static bool IsValidName(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Words separated by blanks; "..." with C escapes and '...' with \' as one word each; null when a quote is unbalanced.</summary>
    private static List<string>? SplitArgs(ReadOnlySpan<byte> line)
    {
        var parts = new List<string>();
        var word = new StringBuilder();
        var i = 0;
        while (true)
        {
            while (i < line.Length && IsSpace(line[i]))
            {
                i++;
            }

            if (i == line.Length)
            {
                return parts;
            }

            word.Clear();
            var inDouble = false;
            var inSingle = false;
            while (true)
            {
                if (inDouble)
                {
                    if (i == line.Length)
                    {
                        return null;
                    }

                    if (line[i] == '\\' && i + 3 < line.Length && line[i + 1] == 'x' && IsHex(line[i + 2]) && IsHex(line[i + 3]))
                    {
                        word.Append((char)((HexValue(line[i + 2]) << 4) | HexValue(line[i + 3])));
                        i += 3;
                    }
                    else if (line[i] == '\\' && i + 1 < line.Length)
                    {
                        i++;
                        word.Append(line[i] switch { (byte)'n' => '\n', (byte)'r' => '\r', (byte)'t' => '\t', (byte)'b' => '\b', (byte)'a' => '\a', var c => (char)c });
                    }
                    else if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && !IsSpace(line[i + 1]))
                        {
                            return null;
                        }

                        inDouble = false;
                    }
                    else
                    {
                        word.Append((char)line[i]);
                    }
                }
                else if (inSingle)
                {
                    if (i == line.Length)
                    {
                        return null;
                    }

                    if (line[i] == '\\' && i + 1 < line.Length && line[i + 1] == '\'')
                    {
                        i++;
                        word.Append('\'');
                    }
                    else if (line[i] == '\'')
                    {
                        if (i + 1 < line.Length && !IsSpace(line[i + 1]))
                        {
                            return null;
                        }

                        inSingle = false;
                    }
                    else
                    {
                        word.Append((char)line[i]);
                    }
                }
                else if (i == line.Length || IsSpace(line[i]))
                {
                    break;
                }
                else if (line[i] == '"')
                {
                    inDouble = true;
                }
                else if (line[i] == '\'')
                {
                    inSingle = true;
                }
                else
                {
                    word.Append((char)line[i]);
                }

                i++;
            }

            parts.Add(word.ToString());
        }
    }

    private static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'\v' or (byte)'\f';

    private static bool IsHex(byte c) => char.IsAsciiHexDigit((char)c);

    private static int HexValue(byte c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
