namespace Cache.Node.Storage;

/// <summary>
/// The set module's store: a set value's operations on its entry. A set of integers only, up to
/// set-max-intset-entries, is an <see cref="IntSetBlob"/> in its key's record; a small set of other
/// members (up to set-max-listpack-entries of at most 64 bytes) is a <see cref="SmallSetBlob"/>
/// there; anything bigger is a <see cref="LargeSet"/> (members in slab chunks, a table of
/// primitive arrays) named by an index in the record. Only an intset is reported as "intset":
/// Redis 7.0 holds every other set in a hashtable. Writes stamp the entry only when they change it.
/// </summary>
internal sealed partial class SetStore : IValueStore, ISortableValues
{
    // Redis caps intsets at 2^30 entries whatever set-max-intset-entries says.
    private const int IntsetHardLimit = 1 << 30;

    private readonly KeySpace _keys;
    private readonly EntryTable _table;
    private readonly IndexedObjects<LargeSet> _objects = new();
    private readonly SetMemberList _converting = new();
    private byte[] _scratch = new byte[256];
    private long _tableBytes;

    public SetStore(KeySpace keys, EntryTable table)
    {
        _keys = keys;
        _table = table;
    }

    /// <summary>The large sets' tables and the object table (their members' chunks count in the allocator).</summary>
    public long UsedBytes => _tableBytes + ((long)_objects.Capacity * 12);

    /// <summary>
    /// A reusable list for one command's members (a result being stored, members being popped):
    /// commands run one at a time under the key-space lock. The store's own writes never use it.
    /// </summary>
    public SetMemberList Results { get; } = new();

    /// <summary>A reusable list of member positions for one command (SSCAN's page), as <see cref="Results"/>.</summary>
    public List<int> Positions { get; } = [];

    /// <summary>The large sets' managed arrays.</summary>
    public long ObjectBytes => _tableBytes;

    /// <summary>True when the set lies whole in its record (SSCAN then answers in one step, as Redis does for an intset).</summary>
    public static bool IsPacked(in StoreEntry entry) => (entry.Flags & EntryFlags.External) == 0;

    public string EncodingOf(in StoreEntry entry) => IsPacked(entry) && IntSetBlob.Is(_table.ValueOf(entry)) ? "intset" : "hashtable";

    public int Count(in StoreEntry entry)
    {
        if (!IsPacked(entry))
        {
            return Large(entry).Count;
        }

        var blob = (ReadOnlySpan<byte>)_table.ValueOf(entry);
        return IntSetBlob.Is(blob) ? IntSetBlob.Count(blob) : SmallSetBlob.Count(blob);
    }

    public bool Contains(in StoreEntry entry, ReadOnlySpan<byte> member)
    {
        if (!IsPacked(entry))
        {
            return Large(entry).Contains(member);
        }

        var blob = (ReadOnlySpan<byte>)_table.ValueOf(entry);
        if (IntSetBlob.Is(blob))
        {
            return SetInteger.TryParse(member, out var value) && IntSetBlob.Find(blob, value) >= 0;
        }

        return SmallSetBlob.Find(blob, member, out _) >= 0;
    }

    /// <summary>
    /// Adds a member (an entry just added by <see cref="KeySpace.GetOrAdd"/> becomes a set, an
    /// intset when its first member is an integer, as Redis' setTypeCreate). True when it is new.
    /// </summary>
    public bool Add(ref StoreEntry entry, ReadOnlySpan<byte> member)
    {
        if (entry.Kind != ValueKind.Set)
        {
            _keys.SetValue(ref entry, SetInteger.TryParse(member, out _) ? [IntSetBlob.Tag] : EmptySmallSet, ValueKind.Set);
        }

        bool added;
        if (!IsPacked(entry))
        {
            added = LargeAdd(entry, member);
        }
        else
        {
            var blob = (ReadOnlySpan<byte>)_table.ValueOf(entry);
            added = IntSetBlob.Is(blob) ? IntsetAdd(ref entry, blob, member) : SmallAdd(ref entry, blob, member);
        }

        if (added)
        {
            _keys.Stamp(ref entry);
        }

        return added;
    }

    /// <summary>Removes a member; true when it was there. A set left empty must be deleted by the caller.</summary>
    public bool Remove(ref StoreEntry entry, ReadOnlySpan<byte> member)
    {
        bool removed;
        if (!IsPacked(entry))
        {
            var large = Large(entry);
            var before = large.TableBytes;
            removed = large.Remove(member);
            _tableBytes += large.TableBytes - before;
        }
        else
        {
            var blob = (ReadOnlySpan<byte>)_table.ValueOf(entry);
            removed = IntSetBlob.Is(blob) ? IntsetRemove(ref entry, blob, member) : SmallRemove(ref entry, blob, member);
        }

        if (removed)
        {
            _keys.Stamp(ref entry);
        }

        return removed;
    }

    /// <summary>Walks the members; <paramref name="scratch"/> (20+ bytes) holds a formatted intset member.</summary>
    public SetMemberEnumerator Members(in StoreEntry entry, Span<byte> scratch) =>
        IsPacked(entry)
            ? new SetMemberEnumerator(_table.ValueOf(entry), null, scratch)
            : new SetMemberEnumerator(default, Large(entry), scratch);

    /// <summary>SORT's input: copies of the members in iteration order.</summary>
    public void CopyElements(in StoreEntry entry, List<byte[]> into)
    {
        Span<byte> scratch = stackalloc byte[24];
        var members = Members(entry, scratch);
        while (members.MoveNext())
        {
            into.Add(members.Current.ToArray());
        }
    }

    /// <summary>A uniformly random member of a non-empty set; valid until the next write.</summary>
    public ReadOnlySpan<byte> RandomMember(in StoreEntry entry, Random random, Span<byte> scratch)
    {
        if (!IsPacked(entry))
        {
            var large = Large(entry);
            return large.MemberAt(large.RandomSlot(random));
        }

        var blob = (ReadOnlySpan<byte>)_table.ValueOf(entry);
        if (IntSetBlob.Is(blob))
        {
            var length = SetInteger.Format(IntSetBlob.At(blob, random.Next(IntSetBlob.Count(blob))), scratch);
            return scratch[..length];
        }

        var skip = random.Next(SmallSetBlob.Count(blob));
        var members = new SetMemberEnumerator(blob, null, scratch);
        while (members.MoveNext() && skip-- > 0)
        {
        }

        return members.Current;
    }

    /// <summary>A uniformly random table slot holding a member of a non-empty large set (for <see cref="MemberAt"/>).</summary>
    public int RandomPosition(in StoreEntry entry, Random random) => Large(entry).RandomSlot(random);

    /// <summary>
    /// One SSCAN step over a large set: the slots of members whose home buckets the cursor
    /// visits, in Redis' reverse-binary order, until <paramref name="count"/> are found or ten
    /// times that many buckets were seen. Returns the next cursor (0: done).
    /// </summary>
    public ulong ScanLarge(in StoreEntry entry, ulong cursor, long count, List<int> slots) => Large(entry).Scan(cursor, count, slots);

    /// <summary>
    /// The member at a position a <see cref="SetMemberEnumerator"/> or <see cref="ScanLarge"/>
    /// reported (intset index, byte offset, table slot); valid until the next write.
    /// </summary>
    public ReadOnlySpan<byte> MemberAt(in StoreEntry entry, int position, Span<byte> scratch)
    {
        if (!IsPacked(entry))
        {
            return Large(entry).MemberAt(position);
        }

        var blob = (ReadOnlySpan<byte>)_table.ValueOf(entry);
        if (IntSetBlob.Is(blob))
        {
            return scratch[..SetInteger.Format(IntSetBlob.At(blob, position), scratch)];
        }

        SmallSetBlob.ReadAt(blob, position, out var member);
        return member;
    }

    /// <summary>
    /// Makes the entry the set of <paramref name="members"/> (distinct, non-empty), in the encoding
    /// Redis would give a set built by adding them: an intset when all are integers and few enough.
    /// </summary>
    public void Replace(ref StoreEntry entry, SetMemberList members)
    {
        if (members.Count <= IntsetLimit && AllIntegers(members))
        {
            WriteIntset(ref entry, members);
        }
        else
        {
            WriteHashtable(ref entry, members);
        }
    }

    /// <summary>The set in wire form: a <see cref="SmallSetBlob"/> of every member, whatever the encoding.</summary>
    public byte[] ToWire(in StoreEntry entry)
    {
        Span<byte> scratch = stackalloc byte[SetInteger.MaxDigits];
        var size = SmallSetBlob.Start;
        var members = Members(entry, scratch);
        while (members.MoveNext())
        {
            size += SmallSetBlob.MemberSize(members.Current.Length);
        }

        var wire = new byte[size];
        var length = SmallSetBlob.WriteEmpty(wire);
        members = Members(entry, scratch);
        while (members.MoveNext())
        {
            length = SmallSetBlob.Append(wire, length, members.Current);
        }

        return wire;
    }

    /// <summary>Stores a set received in wire form, choosing its encoding by content and size.</summary>
    public void FromWire(ref StoreEntry entry, ReadOnlySpan<byte> wire)
    {
        var members = _converting;
        members.Clear();
        for (var position = SmallSetBlob.Start; position < wire.Length;)
        {
            position = SmallSetBlob.ReadAt(wire, position, out var member);
            members.Add(member);
        }

        Replace(ref entry, members);
        members.Clear();
    }

    public long ExternalBytesOf(in StoreEntry entry) => ExternalBytes(entry);

    /// <summary>
    /// Bytes a set holds outside its record (0 for a packed one): the table and the members'
    /// chunks, exact or estimated from <paramref name="samples"/> members (0: all), for MEMORY USAGE.
    /// </summary>
    public long ExternalBytes(in StoreEntry entry, int samples = 0)
    {
        if (IsPacked(entry))
        {
            return 0;
        }

        var large = Large(entry);
        return large.TableBytes + large.MemberBytes(samples);
    }

    /// <summary>Drops a large set's table and frees its members' chunks (its entry is being overwritten or freed).</summary>
    public void Release(ref StoreEntry entry)
    {
        var large = _objects.Remove(ObjectIndex(entry));
        _tableBytes -= large.TableBytes;
        large.FreeMembers();
        entry.Flags &= ~EntryFlags.External;
    }

    /// <summary>Forgets every large set (the key space and its slab are being cleared).</summary>
    public void Clear()
    {
        _objects.Clear();
        _tableBytes = 0;
    }

    private int ObjectIndex(in StoreEntry entry) => BitConverter.ToInt32(_table.ValueOf(entry));

    private LargeSet Large(in StoreEntry entry) => _objects[ObjectIndex(entry)];
}
