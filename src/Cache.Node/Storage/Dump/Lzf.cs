namespace Cache.Node.Storage;

/// <summary>LZF decompression (liblzf's format), for strings a Redis DUMP compressed; bounds-checked throughout.</summary>
internal static class Lzf
{
    /// <summary>Decompresses <paramref name="input"/> to fill <paramref name="output"/> exactly; false on any malformed run.</summary>
    public static bool TryDecompress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var i = 0;
        var o = 0;
        while (i < input.Length)
        {
            int control = input[i++];
            if (control < 32)
            {
                // A literal run of control + 1 bytes.
                var run = control + 1;
                if (i + run > input.Length || o + run > output.Length)
                {
                    return false;
                }

                input.Slice(i, run).CopyTo(output[o..]);
                i += run;
                o += run;
                continue;
            }

            // A back reference: length in the top 3 bits (7 means one more length byte), distance in the rest.
            var length = control >> 5;
            if (length == 7)
            {
                if (i >= input.Length)
                {
                    return false;
                }

                length += input[i++];
            }

            if (i >= input.Length)
            {
                return false;
            }

            var from = o - ((control & 0x1F) << 8) - 1 - input[i++];
            length += 2;
            if (from < 0 || o + length > output.Length)
            {
                return false;
            }

            // Byte by byte: a reference may overlap what it is producing.
            for (var k = 0; k < length; k++)
            {
                output[o++] = output[from++];
            }
        }

        return o == output.Length;
    }
}
