namespace Cache.Node.Resp;

/// <summary>Inline commands: what telnet users type, split as Redis' sdssplitargs does.</summary>
internal sealed partial class RequestParser
{
    private ParseStatus ParseInline(ReadOnlySpan<byte> data)
    {
        var newline = data.IndexOf((byte)'\n');
        if (newline < 0)
        {
            if (data.Length > limits.MaxInlineLength)
            {
                return Fail("Protocol error: too big inline request");
            }

            return NeedMore(data.Length + 1);
        }

        var line = data[..newline];
        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        // Redis splits the line as a C string: a NUL ends it.
        var nul = line.IndexOf((byte)0);
        if (nul >= 0)
        {
            line = line[..nul];
        }

        if (_inline.Length < line.Length)
        {
            _inline = new byte[Math.Max(line.Length, 256)];
        }

        if (!SplitArgs(line))
        {
            return Fail("Protocol error: unbalanced quotes in request");
        }

        _expected = -2;
        _offset = newline + 1;
        return ParseStatus.Complete;
    }

    // Unescaped arguments never grow: each lands in _inline at or before its source offset.
    private bool SplitArgs(ReadOnlySpan<byte> line)
    {
        var output = _inline.AsSpan();
        var written = 0;
        var p = 0;
        while (true)
        {
            while (p < line.Length && IsSpace(line[p]))
            {
                p++;
            }

            if (p >= line.Length)
            {
                return true;
            }

            var start = written;
            var inDouble = false;
            var inSingle = false;
            var done = false;
            while (!done)
            {
                if (inDouble)
                {
                    if (p >= line.Length)
                    {
                        return false;
                    }

                    var c = line[p];
                    if (c == (byte)'\\' && p + 3 < line.Length && line[p + 1] == (byte)'x' && IsHex(line[p + 2]) && IsHex(line[p + 3]))
                    {
                        output[written++] = (byte)((HexValue(line[p + 2]) << 4) | HexValue(line[p + 3]));
                        p += 3;
                    }
                    else if (c == (byte)'\\' && p + 1 < line.Length)
                    {
                        p++;
                        output[written++] = line[p] switch
                        {
                            (byte)'n' => (byte)'\n',
                            (byte)'r' => (byte)'\r',
                            (byte)'t' => (byte)'\t',
                            (byte)'b' => (byte)'\b',
                            (byte)'a' => (byte)'\a',
                            var other => other,
                        };
                    }
                    else if (c == (byte)'"')
                    {
                        // A closing quote must be followed by a space or the end.
                        if (p + 1 < line.Length && !IsSpace(line[p + 1]))
                        {
                            return false;
                        }

                        done = true;
                    }
                    else
                    {
                        output[written++] = c;
                    }
                }
                else if (inSingle)
                {
                    if (p >= line.Length)
                    {
                        return false;
                    }

                    var c = line[p];
                    if (c == (byte)'\\' && p + 1 < line.Length && line[p + 1] == (byte)'\'')
                    {
                        p++;
                        output[written++] = (byte)'\'';
                    }
                    else if (c == (byte)'\'')
                    {
                        if (p + 1 < line.Length && !IsSpace(line[p + 1]))
                        {
                            return false;
                        }

                        done = true;
                    }
                    else
                    {
                        output[written++] = c;
                    }
                }
                else
                {
                    if (p >= line.Length)
                    {
                        break;
                    }

                    var c = line[p];
                    if (IsSpace(c))
                    {
                        done = true;
                    }
                    else if (c == (byte)'"')
                    {
                        inDouble = true;
                    }
                    else if (c == (byte)'\'')
                    {
                        inSingle = true;
                    }
                    else
                    {
                        output[written++] = c;
                    }
                }

                if (p < line.Length)
                {
                    p++;
                }
            }

            if (_argCount == _args.Length)
            {
                Array.Resize(ref _args, _args.Length * 2);
            }

            _args[_argCount++] = new ArgRange(start, written - start);
        }
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';

    private static bool IsHex(byte b) => b is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f' or >= (byte)'A' and <= (byte)'F';

    private static int HexValue(byte b) => b <= (byte)'9' ? b - '0' : (b | 0x20) - 'a' + 10;
}
