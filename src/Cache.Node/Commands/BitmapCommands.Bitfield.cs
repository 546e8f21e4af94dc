using System.Runtime.CompilerServices;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// BITFIELD and BITFIELD_RO: GET, SET and INCRBY of signed (i1..i64) or unsigned (u1..u63)
/// integers at any bit offset (<c>#n</c> for n times the width), with OVERFLOW WRAP, SAT or FAIL
/// applying to the operations after it. Every operation is parsed before any runs, as Redis does.
/// </summary>
internal static partial class BitmapCommands
{
    private static ReadOnlySpan<byte> BadType => "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."u8;

    private enum FieldOp : byte
    {
        Get,
        Set,
        IncrBy,
    }

    private enum Overflow : byte
    {
        Wrap,
        Sat,
        Fail,
    }

    private readonly record struct FieldOperation(FieldOp Op, bool Signed, int Bits, long Offset, long Value, Overflow Overflow);

    private static void RegisterBitfield(CommandTable table)
    {
        table.Add(new("bitfield", -2, CommandFlags.Write | CommandFlags.DenyOom, Bitfield, Group, "Performs arbitrary bitfield integer operations on strings.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Update | KeySpecFlags.VariableFlags),
            Acl = Category,
        });
        table.Add(new("bitfield_ro", -2, CommandFlags.ReadOnly | CommandFlags.Fast, BitfieldReadOnly, Group, "Performs arbitrary read-only bitfield integer operations on strings.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO | KeySpecFlags.Access),
            Acl = Category,
        });
    }

    private static void Bitfield(ClientSession client, in RespRequest request) => BitfieldGeneric(client, request, readOnly: false);

    private static void BitfieldReadOnly(ClientSession client, in RespRequest request) => BitfieldGeneric(client, request, readOnly: true);

    private static void BitfieldGeneric(ClientSession client, in RespRequest request, bool readOnly)
    {
        if (!TryParseFields(client, request, out var operations, out var writes, out var highestBit))
        {
            return;
        }

        var keys = client.Keys;
        var key = request[1];
        ref var entry = ref Unsafe.NullRef<StoreEntry>();
        var grew = false;
        if (!writes)
        {
            ref var found = ref keys.LookupRead(key);
            if (!Unsafe.IsNullRef(ref found) && found.Kind != ValueKind.String)
            {
                client.Reply.Error(Errors.WrongType);
                return;
            }

            entry = ref found;
        }
        else if (readOnly)
        {
            client.Reply.Error("ERR BITFIELD_RO only supports the GET subcommand"u8);
            return;
        }
        else
        {
            entry = ref ForBitWrite(client, key, highestBit, out grew);
            if (Unsafe.IsNullRef(ref entry))
            {
                return;
            }
        }

        client.Reply.ArrayHeader(operations.Count);
        var changed = false;
        foreach (var operation in operations)
        {
            var value = Unsafe.IsNullRef(ref entry) ? default : keys.ValueOf(entry);
            if (operation.Op == FieldOp.Get)
            {
                client.Reply.Integer(operation.Signed
                    ? Bitmaps.GetSigned(value, operation.Offset, operation.Bits)
                    : (long)Bitmaps.GetUnsigned(value, operation.Offset, operation.Bits));
                continue;
            }

            if (!Apply(operation, value, out var old, out var stored, out var reply))
            {
                client.Reply.Null();
                continue;
            }

            client.Reply.Integer(reply);
            if (stored != old || grew)
            {
                var bytes = keys.ResizeValue(ref entry, value.Length, value.Length);
                Bitmaps.SetUnsigned(bytes, operation.Offset, operation.Bits, stored);
                changed = true;
            }
        }

        if (changed || grew)
        {
            keys.Touch(key);
        }
    }

    /// <summary>
    /// Computes a SET or INCRBY: the field's old bits, the bits to store and the reply; false
    /// when OVERFLOW FAIL refuses it (nothing is written, the reply is null).
    /// </summary>
    private static bool Apply(in FieldOperation operation, ReadOnlySpan<byte> value, out ulong old, out ulong stored, out long reply)
    {
        var bits = operation.Bits;
        old = Bitmaps.GetUnsigned(value, operation.Offset, bits);
        bool overflow;
        if (operation.Signed)
        {
            var current = Bitmaps.GetSigned(value, operation.Offset, bits);
            var increment = operation.Op == FieldOp.IncrBy;
            overflow = SignedResult(increment ? current : operation.Value, increment ? operation.Value : 0, bits, operation.Overflow, out var result);
            stored = (ulong)result & Mask(bits);
            reply = increment ? result : current;
        }
        else
        {
            var increment = operation.Op == FieldOp.IncrBy;
            overflow = UnsignedResult(increment ? old : (ulong)operation.Value, increment ? operation.Value : 0, bits, operation.Overflow, out var result);
            stored = result & Mask(bits);
            reply = increment ? (long)result : (long)old;
        }

        return !(overflow && operation.Overflow == Overflow.Fail);
    }

    private static ulong Mask(int bits) => bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;

    /// <summary>value + increment as a <paramref name="bits"/>-wide unsigned field: true on overflow, with the wrapped or saturated result.</summary>
    private static bool UnsignedResult(ulong value, long increment, int bits, Overflow overflow, out ulong result)
    {
        var max = Mask(bits);
        var up = value > max || (increment > 0 && (ulong)increment > max - value);
        var down = !up && increment < 0 && (ulong)(-(Int128)increment) > value;
        if (!up && !down)
        {
            result = value + (ulong)increment;
            return false;
        }

        result = overflow == Overflow.Sat ? (up ? max : 0) : (value + (ulong)increment) & max;
        return true;
    }

    /// <summary>value + increment as a <paramref name="bits"/>-wide signed field: true on overflow, with the wrapped or saturated result.</summary>
    private static bool SignedResult(long value, long increment, int bits, Overflow overflow, out long result)
    {
        var max = bits == 64 ? long.MaxValue : (1L << (bits - 1)) - 1;
        var min = -max - 1;
        var sum = (Int128)value + increment;
        if (sum >= min && sum <= max)
        {
            result = (long)sum;
            return false;
        }

        if (overflow == Overflow.Sat)
        {
            result = sum > max ? max : min;
            return true;
        }

        // Wrap: the low bits, sign-extended.
        var wrapped = (ulong)value + (ulong)increment;
        if (bits < 64)
        {
            var high = ulong.MaxValue << bits;
            wrapped = (wrapped & (1UL << (bits - 1))) != 0 ? wrapped | high : wrapped & ~high;
        }

        result = (long)wrapped;
        return true;
    }

    private static bool TryParseFields(ClientSession client, in RespRequest request, out List<FieldOperation> operations, out bool writes, out long highestBit)
    {
        operations = [];
        writes = false;
        highestBit = 0;
        var overflow = Overflow.Wrap;
        for (var j = 2; j < request.Count; j++)
        {
            var remaining = request.Count - j - 1;
            var name = request[j];
            FieldOp op;
            if (Args.Is(name, "GET"u8) && remaining >= 2)
            {
                op = FieldOp.Get;
            }
            else if (Args.Is(name, "SET"u8) && remaining >= 3)
            {
                op = FieldOp.Set;
            }
            else if (Args.Is(name, "INCRBY"u8) && remaining >= 3)
            {
                op = FieldOp.IncrBy;
            }
            else if (Args.Is(name, "OVERFLOW"u8) && remaining >= 1)
            {
                var kind = request[++j];
                if (Args.Is(kind, "WRAP"u8))
                {
                    overflow = Overflow.Wrap;
                }
                else if (Args.Is(kind, "SAT"u8))
                {
                    overflow = Overflow.Sat;
                }
                else if (Args.Is(kind, "FAIL"u8))
                {
                    overflow = Overflow.Fail;
                }
                else
                {
                    client.Reply.Error("ERR Invalid OVERFLOW type specified"u8);
                    return false;
                }

                continue;
            }
            else
            {
                client.Reply.Error(Errors.Syntax);
                return false;
            }

            if (!TryParseType(client, request[j + 1], out var signed, out var bits)
                || !TryParseOffset(client, request[j + 2], bits, out var offset))
            {
                return false;
            }

            long value = 0;
            if (op != FieldOp.Get)
            {
                writes = true;
                highestBit = Math.Max(highestBit, offset + bits - 1);
                if (!Args.TryInteger(client, request[j + 3], out value))
                {
                    return false;
                }
            }

            operations.Add(new FieldOperation(op, signed, bits, offset, value, overflow));
            j += op == FieldOp.Get ? 2 : 3;
        }

        return true;
    }

    /// <summary>i1..i64 or u1..u63; false after replying Redis' error.</summary>
    private static bool TryParseType(ClientSession client, ReadOnlySpan<byte> arg, out bool signed, out int bits)
    {
        signed = arg.Length > 0 && arg[0] == (byte)'i';
        bits = 0;
        if (arg.Length == 0 || (!signed && arg[0] != (byte)'u')
            || !RespNumbers.TryParseInt64(arg[1..], out var width) || width < 1 || width > (signed ? 64 : 63))
        {
            client.Reply.Error(BadType);
            return false;
        }

        bits = (int)width;
        return true;
    }
}
