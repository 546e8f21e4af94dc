using System.Buffers;
using System.Runtime.CompilerServices;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>BITPOS and BITOP.</summary>
internal static partial class BitmapCommands
{
    private static void BitPos(ClientSession client, in RespRequest request)
    {
        if (!Args.TryInteger(client, request[2], out var bitArg))
        {
            return;
        }

        if (bitArg is not (0 or 1))
        {
            client.Reply.Error("ERR The bit argument must be 1 or 0."u8);
            return;
        }

        var bit = bitArg == 1;
        if (!TryReadString(client, request[1], out var exists))
        {
            return;
        }

        if (!exists)
        {
            // A missing key is an endless run of zeroes.
            client.Reply.Integer(bit ? -1 : 0);
            return;
        }

        var value = client.Keys.ValueOf(client.Keys.Lookup(request[1]));
        if (request.Count == 3)
        {
            // An empty string holds no bit at all, not even a padding zero.
            client.Reply.Integer(value.IsEmpty ? -1 : Bitmaps.FirstBit(value, bit));
            return;
        }

        if (request.Count > 6)
        {
            client.Reply.Error(Errors.Syntax);
            return;
        }

        if (!Args.TryInteger(client, request[3], out var start))
        {
            return;
        }

        var bits = false;
        if (request.Count == 6 && !TryParseUnit(client, request[5], out bits))
        {
            return;
        }

        long end;
        var endGiven = request.Count >= 5;
        if (endGiven)
        {
            if (!Args.TryInteger(client, request[4], out end))
            {
                return;
            }
        }
        else
        {
            end = bits ? ((long)value.Length * 8) + 7 : value.Length - 1;
        }

        var total = bits ? (long)value.Length * 8 : value.Length;
        Clamp(ref start, ref end, total);
        if (start > end)
        {
            client.Reply.Integer(-1);
            return;
        }

        var firstBit = bits ? start : start * 8;
        var lastBit = bits ? end : (end * 8) + 7;
        var position = FindInRange(value, bit, firstBit, lastBit);
        if (position < 0 && !bit && !endGiven)
        {
            // With no end given, the string is seen as padded with zeroes on the right.
            position = lastBit + 1;
        }

        client.Reply.Integer(position);
    }

    /// <summary>The first bit equal to <paramref name="bit"/> in [<paramref name="firstBit"/>, <paramref name="lastBit"/>], or -1.</summary>
    private static long FindInRange(ReadOnlySpan<byte> value, bool bit, long firstBit, long lastBit)
    {
        // Bits before the first whole byte, then whole bytes, then the bits of the last byte.
        var position = firstBit;
        while (position <= lastBit && (position & 7) != 0)
        {
            if (Bitmaps.Get(value, position) == bit)
            {
                return position;
            }

            position++;
        }

        var wholeBytes = (lastBit + 1 - position) >> 3;
        if (wholeBytes > 0)
        {
            var found = Bitmaps.FirstBit(value.Slice((int)(position >> 3), (int)wholeBytes), bit);
            if (found >= 0 && found < wholeBytes * 8)
            {
                return position + found;
            }

            position += wholeBytes * 8;
        }

        for (; position <= lastBit; position++)
        {
            if (Bitmaps.Get(value, position) == bit)
            {
                return position;
            }
        }

        return -1;
    }

    private static void BitOp(ClientSession client, in RespRequest request)
    {
        var op = request[1];
        var and = Args.Is(op, "AND"u8);
        var or = Args.Is(op, "OR"u8);
        var xor = Args.Is(op, "XOR"u8);
        var not = Args.Is(op, "NOT"u8);
        if (!(and || or || xor || not))
        {
            client.Reply.Error(Errors.Syntax);
            return;
        }

        if (not && request.Count != 4)
        {
            client.Reply.Error("ERR BITOP NOT must be called with a single source key."u8);
            return;
        }

        var keys = client.Keys;
        long maxLength = 0;
        for (var i = 3; i < request.Count; i++)
        {
            ref var entry = ref keys.LookupRead(request[i]);
            if (Unsafe.IsNullRef(ref entry))
            {
                continue;
            }

            if (entry.Kind != ValueKind.String)
            {
                client.Reply.Error(Errors.WrongType);
                return;
            }

            maxLength = Math.Max(maxLength, keys.ValueOf(entry).Length);
        }

        var destination = request[2];
        if (maxLength == 0)
        {
            // Every source empty or missing: the destination goes.
            keys.Delete(destination);
            client.Reply.Integer(0);
            return;
        }

        var result = ArrayPool<byte>.Shared.Rent((int)maxLength);
        try
        {
            var output = result.AsSpan(0, (int)maxLength);
            Combine(keys, request, output, and, or, not);
            keys.SetString(destination, output);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(result);
        }

        client.Reply.Integer(maxLength);
    }

    /// <summary>Folds the sources into <paramref name="output"/>; a shorter or missing source reads as zeroes.</summary>
    private static void Combine(KeySpace keys, in RespRequest request, Span<byte> output, bool and, bool or, bool not)
    {
        for (var i = 3; i < request.Count; i++)
        {
            ref var entry = ref keys.Lookup(request[i]);
            var source = Unsafe.IsNullRef(ref entry) ? default : keys.ValueOf(entry);
            var shared = Math.Min(source.Length, output.Length);
            if (i == 3)
            {
                source[..shared].CopyTo(output);
                output[shared..].Clear();
                if (not)
                {
                    for (var j = 0; j < output.Length; j++)
                    {
                        output[j] = (byte)~output[j];
                    }
                }

                continue;
            }

            for (var j = 0; j < output.Length; j++)
            {
                var b = j < shared ? source[j] : (byte)0;
                output[j] = and ? (byte)(output[j] & b) : or ? (byte)(output[j] | b) : (byte)(output[j] ^ b);
            }
        }
    }
}
