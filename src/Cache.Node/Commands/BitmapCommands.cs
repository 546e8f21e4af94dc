using System.Buffers;
using System.Runtime.CompilerServices;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// Bitmaps on the string type: SETBIT GETBIT BITCOUNT BITPOS BITOP here, BITFIELD and
/// BITFIELD_RO in <c>BitmapCommands.Bitfield.cs</c>. Bits are read from the stored bytes and
/// written in place in the key's record (grown with zeroes when a write reaches past the end),
/// with Redis' limit: no bit offset at or past proto-max-bulk-len bytes.
/// </summary>
internal static partial class BitmapCommands
{
    private const string Group = "bitmap";
    private const AclCategories Category = AclCategories.Bitmap;

    public static void Register(CommandTable table)
    {
        table.Add(new("setbit", 4, CommandFlags.Write | CommandFlags.DenyOom, SetBit, Group, "Sets or clears the bit at offset of the string value. Creates the key if it doesn't exist.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Update),
            Acl = Category,
        });
        table.Add(new("getbit", 3, CommandFlags.ReadOnly | CommandFlags.Fast, GetBit, Group, "Returns a bit value by offset.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO | KeySpecFlags.Access),
            Acl = Category,
        });
        table.Add(new("bitcount", -2, CommandFlags.ReadOnly, BitCount, Group, "Counts the number of set bits (population counting) in a string.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO | KeySpecFlags.Access),
            Acl = Category,
        });
        table.Add(new("bitpos", -3, CommandFlags.ReadOnly, BitPos, Group, "Finds the first set (1) or clear (0) bit in a string.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO | KeySpecFlags.Access),
            Acl = Category,
        });
        table.Add(new("bitop", -4, CommandFlags.Write | CommandFlags.DenyOom, BitOp, Group, "Performs bitwise operations on multiple strings, and stores the result.")
        {
            Keys = new([KeySpec.At(2, KeySpecFlags.OW | KeySpecFlags.Update), KeySpec.ToEnd(3, KeySpecFlags.RO | KeySpecFlags.Access)]),
            Acl = Category,
        });
        RegisterBitfield(table);
    }

    private static ReadOnlySpan<byte> BadOffset => "ERR bit offset is not an integer or out of range"u8;

    private static ReadOnlySpan<byte> BadBit => "ERR bit is not an integer or out of range"u8;

    /// <summary>
    /// A bit offset, or with <paramref name="width"/> &gt; 0 a <c>#n</c> offset (n times the width,
    /// BITFIELD's form); false after replying Redis' error for a bad or out-of-limit one.
    /// </summary>
    private static bool TryParseOffset(ClientSession client, ReadOnlySpan<byte> arg, int width, out long offset)
    {
        var hash = width > 0 && arg.Length > 0 && arg[0] == (byte)'#';
        if (!RespNumbers.TryParseInt64(hash ? arg[1..] : arg, out offset)
            || (hash && (offset > long.MaxValue / width || offset < long.MinValue / width)))
        {
            client.Reply.Error(BadOffset);
            return false;
        }

        if (hash)
        {
            offset *= width;
        }

        if (offset < 0 || (offset >> 3) >= client.Server.Limits.MaxBulkLength)
        {
            client.Reply.Error(BadOffset);
            return false;
        }

        return true;
    }

    /// <summary>
    /// The string at <paramref name="key"/> made long enough to hold bit <paramref name="maxBit"/>
    /// (created, or grown with zeroes); null after replying WRONGTYPE. <paramref name="grew"/>
    /// says whether the key was created or lengthened.
    /// </summary>
    private static ref StoreEntry ForBitWrite(ClientSession client, ReadOnlySpan<byte> key, long maxBit, out bool grew)
    {
        var keys = client.Keys;
        var length = (int)(maxBit >> 3) + 1;
        ref var entry = ref keys.Lookup(key);
        grew = false;
        if (Unsafe.IsNullRef(ref entry))
        {
            entry = ref keys.GetOrAdd(key, out _);
            keys.ResizeValue(ref entry, length, 0).Clear();
            grew = true;
            return ref entry;
        }

        if (entry.Kind != ValueKind.String)
        {
            client.Reply.Error(Errors.WrongType);
            return ref Unsafe.NullRef<StoreEntry>();
        }

        var old = keys.ValueOf(entry).Length;
        if (old < length)
        {
            keys.ResizeValue(ref entry, length, old)[old..].Clear();
            grew = true;
        }

        return ref entry;
    }

    private static void SetBit(ClientSession client, in RespRequest request)
    {
        if (!TryParseOffset(client, request[2], 0, out var offset))
        {
            return;
        }

        if (!RespNumbers.TryParseInt64(request[3], out var on) || (on & ~1L) != 0)
        {
            client.Reply.Error(BadBit);
            return;
        }

        var keys = client.Keys;
        var key = request[1];
        ref var entry = ref ForBitWrite(client, key, offset, out var grew);
        if (Unsafe.IsNullRef(ref entry))
        {
            return;
        }

        var old = Bitmaps.Get(keys.ValueOf(entry), offset);
        if (grew || old != (on == 1))
        {
            // Written in place: the record already holds the byte.
            var value = keys.ResizeValue(ref entry, keys.ValueOf(entry).Length, keys.ValueOf(entry).Length);
            Bitmaps.SetUnsigned(value, offset, 1, (ulong)on);
            keys.Touch(key);
        }

        client.Reply.Integer(old ? 1 : 0);
    }

    private static void GetBit(ClientSession client, in RespRequest request)
    {
        if (!TryParseOffset(client, request[2], 0, out var offset))
        {
            return;
        }

        if (!TryReadString(client, request[1], out var exists))
        {
            return;
        }

        ref var entry = ref client.Keys.Lookup(request[1]);
        client.Reply.Integer(exists && Bitmaps.Get(client.Keys.ValueOf(entry), offset) ? 1 : 0);
    }

    /// <summary>Looks a key up for reading (a hit or miss counted); false after replying WRONGTYPE.</summary>
    private static bool TryReadString(ClientSession client, ReadOnlySpan<byte> key, out bool exists)
    {
        ref var entry = ref client.Keys.LookupRead(key);
        exists = !Unsafe.IsNullRef(ref entry);
        if (exists && entry.Kind != ValueKind.String)
        {
            client.Reply.Error(Errors.WrongType);
            return false;
        }

        return true;
    }

    /// <summary>BYTE or BIT (any case); false after replying a syntax error.</summary>
    private static bool TryParseUnit(ClientSession client, ReadOnlySpan<byte> arg, out bool bits)
    {
        bits = Args.Is(arg, "BIT"u8);
        if (bits || Args.Is(arg, "BYTE"u8))
        {
            return true;
        }

        client.Reply.Error(Errors.Syntax);
        return false;
    }

    private static void BitCount(ClientSession client, in RespRequest request)
    {
        if (!TryReadString(client, request[1], out var exists))
        {
            return;
        }

        if (!exists)
        {
            client.Reply.Integer(0);
            return;
        }

        var value = client.Keys.ValueOf(client.Keys.Lookup(request[1]));
        if (request.Count == 2)
        {
            client.Reply.Integer(Bitmaps.PopCount(value));
            return;
        }

        if (request.Count > 5 || request.Count == 3)
        {
            client.Reply.Error(Errors.Syntax);
            return;
        }

        if (!Args.TryInteger(client, request[2], out var start) || !Args.TryInteger(client, request[3], out var end))
        {
            return;
        }

        if (start < 0 && end < 0 && start > end)
        {
            client.Reply.Integer(0);
            return;
        }

        var bits = false;
        if (request.Count == 5 && !TryParseUnit(client, request[4], out bits))
        {
            return;
        }

        var total = bits ? (long)value.Length * 8 : value.Length;
        Clamp(ref start, ref end, total);
        if (start > end)
        {
            client.Reply.Integer(0);
            return;
        }

        if (!bits)
        {
            client.Reply.Integer(Bitmaps.PopCount(value.Slice((int)start, (int)(end - start + 1))));
            return;
        }

        // Whole bytes, less the bits of the first and last byte outside the range.
        var first = (int)(start >> 3);
        var last = (int)(end >> 3);
        var count = Bitmaps.PopCount(value[first..(last + 1)]);
        count -= System.Numerics.BitOperations.PopCount((uint)(value[first] & ~(0xFF >> (int)(start & 7)) & 0xFF));
        count -= System.Numerics.BitOperations.PopCount((uint)(value[last] & ((1 << (7 - (int)(end & 7))) - 1)));
        client.Reply.Integer(count);
    }

    /// <summary>Negative indexes count from the end; both then clamped into [0, total - 1].</summary>
    private static void Clamp(ref long start, ref long end, long total)
    {
        if (start < 0)
        {
            start += total;
        }

        if (end < 0)
        {
            end += total;
        }

        start = Math.Max(start, 0);
        end = Math.Max(end, 0);
        end = Math.Min(end, total - 1);
    }
}
