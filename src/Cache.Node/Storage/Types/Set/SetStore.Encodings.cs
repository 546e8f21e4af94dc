using System.Buffers.Binary;

namespace Cache.Node.Storage;

/// <summary>The set store's encodings: writes to a packed record and the switches between encodings.</summary>
internal sealed partial class SetStore
{
    private long[] _sorting = new long[64];

    private static ReadOnlySpan<byte> EmptySmallSet => [SmallSetBlob.Tag, 0, 0, 0, 0];

    private int IntsetLimit => Math.Min(_keys.Limits.SetMaxIntsetEntries, IntsetHardLimit);

    private bool IntsetAdd(ref StoreEntry entry, ReadOnlySpan<byte> blob, ReadOnlySpan<byte> member)
    {
        if (!SetInteger.TryParse(member, out var value))
        {
            // As Redis: a non-integer turns the intset into a hashtable.
            ConvertToHashtable(ref entry, member);
            return true;
        }

        var index = IntSetBlob.Find(blob, value);
        if (index >= 0)
        {
            return false;
        }

        if (IntSetBlob.Count(blob) + 1 > IntsetLimit)
        {
            ConvertToHashtable(ref entry, member);
            return true;
        }

        var scratch = Scratch(IntSetBlob.SizeOf(IntSetBlob.Count(blob) + 1));
        var written = IntSetBlob.WriteWith(blob, ~index, value, scratch);
        scratch[..written].CopyTo(_table.ResizeValue(ref entry, written));
        return true;
    }

    private bool SmallAdd(ref StoreEntry entry, ReadOnlySpan<byte> blob, ReadOnlySpan<byte> member)
    {
        if (SmallSetBlob.Find(blob, member, out _) >= 0)
        {
            return false;
        }

        if (SmallSetBlob.Count(blob) + 1 > _keys.Limits.SetMaxListpackEntries || member.Length > SmallSetBlob.MaxMemberLength)
        {
            ConvertToHashtable(ref entry, member);
            return true;
        }

        var scratch = Scratch(blob.Length + SmallSetBlob.MemberSize(member.Length));
        blob.CopyTo(scratch);
        var written = SmallSetBlob.Append(scratch, blob.Length, member);
        scratch[..written].CopyTo(_table.ResizeValue(ref entry, written));
        return true;
    }

    private bool LargeAdd(in StoreEntry entry, ReadOnlySpan<byte> member)
    {
        var large = Large(entry);
        var before = large.TableBytes;
        var added = large.Add(member);
        _tableBytes += large.TableBytes - before;
        return added;
    }

    private bool IntsetRemove(ref StoreEntry entry, ReadOnlySpan<byte> blob, ReadOnlySpan<byte> member)
    {
        if (!SetInteger.TryParse(member, out var value))
        {
            return false;
        }

        var index = IntSetBlob.Find(blob, value);
        if (index < 0)
        {
            return false;
        }

        var scratch = Scratch(blob.Length);
        var written = IntSetBlob.WriteWithout(blob, index, scratch);
        scratch[..written].CopyTo(_table.ResizeValue(ref entry, written));
        return true;
    }

    private bool SmallRemove(ref StoreEntry entry, ReadOnlySpan<byte> blob, ReadOnlySpan<byte> member)
    {
        var start = SmallSetBlob.Find(blob, member, out var end);
        if (start < 0)
        {
            return false;
        }

        var scratch = Scratch(blob.Length);
        var written = SmallSetBlob.WriteWithout(blob, start, end, scratch);
        scratch[..written].CopyTo(_table.ResizeValue(ref entry, written));
        return true;
    }

    /// <summary>Rewrites a packed set with <paramref name="extra"/> (not a member yet) as a hashtable-reported set.</summary>
    private void ConvertToHashtable(ref StoreEntry entry, ReadOnlySpan<byte> extra)
    {
        var members = _converting;
        members.Clear();
        Span<byte> digits = stackalloc byte[SetInteger.MaxDigits];
        var current = new SetMemberEnumerator(_table.ValueOf(entry), null, digits);
        while (current.MoveNext())
        {
            members.Add(current.Current);
        }

        members.Add(extra);
        WriteHashtable(ref entry, members);
        members.Clear();
    }

    /// <summary>Writes the members as a small packed set when they fit, else as a large set.</summary>
    private void WriteHashtable(ref StoreEntry entry, SetMemberList members)
    {
        var fits = members.Count <= _keys.Limits.SetMaxListpackEntries;
        var size = SmallSetBlob.Start;
        for (var i = 0; fits && i < members.Count; i++)
        {
            fits = members[i].Length <= SmallSetBlob.MaxMemberLength;
            size += SmallSetBlob.MemberSize(members[i].Length);
        }

        if (fits)
        {
            var scratch = Scratch(size);
            var length = SmallSetBlob.WriteEmpty(scratch);
            for (var i = 0; i < members.Count; i++)
            {
                length = SmallSetBlob.Append(scratch, length, members[i]);
            }

            _keys.SetValue(ref entry, scratch[..length], ValueKind.Set);
            return;
        }

        var large = new LargeSet(_table.Memory, members.Count);
        for (var i = 0; i < members.Count; i++)
        {
            large.Add(members[i]);
        }

        // SetValue first: it releases what the entry held before (maybe another large set).
        Span<byte> index = stackalloc byte[sizeof(int)];
        BitConverter.TryWriteBytes(index, _objects.Add(large));
        _keys.SetValue(ref entry, index, ValueKind.Set);
        entry.Flags |= EntryFlags.External;
        _tableBytes += large.TableBytes;
    }

    private void WriteIntset(ref StoreEntry entry, SetMemberList members)
    {
        if (_sorting.Length < members.Count)
        {
            _sorting = new long[Math.Max(members.Count, _sorting.Length * 2)];
        }

        for (var i = 0; i < members.Count; i++)
        {
            SetInteger.TryParse(members[i], out _sorting[i]);
        }

        var values = _sorting.AsSpan(0, members.Count);
        values.Sort();
        var scratch = Scratch(IntSetBlob.SizeOf(members.Count));
        scratch[0] = IntSetBlob.Tag;
        var count = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (i == 0 || values[i] != values[i - 1])
            {
                BinaryPrimitives.WriteInt64LittleEndian(scratch[IntSetBlob.SizeOf(count)..], values[i]);
                count++;
            }
        }

        _keys.SetValue(ref entry, scratch[..IntSetBlob.SizeOf(count)], ValueKind.Set);
    }

    private static bool AllIntegers(SetMemberList members)
    {
        for (var i = 0; i < members.Count; i++)
        {
            if (!SetInteger.TryParse(members[i], out _))
            {
                return false;
            }
        }

        return true;
    }

    private Span<byte> Scratch(int length)
    {
        if (_scratch.Length < length)
        {
            _scratch = new byte[Math.Max(length, _scratch.Length * 2)];
        }

        return _scratch;
    }
}
