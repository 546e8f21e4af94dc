namespace Cache.Node.Storage;

/// <summary>A write's version: the hybrid logical clock, then the writing node's id as tiebreak.</summary>
internal readonly record struct EntryVersion(long Clock, ushort Node) : IComparable<EntryVersion>
{
    /// <summary>No version: an entry not in the table (before it is added, after it is freed).</summary>
    public static EntryVersion None => default;

    public int CompareTo(EntryVersion other)
    {
        var byClock = Clock.CompareTo(other.Clock);
        return byClock != 0 ? byClock : Node.CompareTo(other.Node);
    }

    public static bool operator <(EntryVersion left, EntryVersion right) => left.CompareTo(right) < 0;

    public static bool operator >(EntryVersion left, EntryVersion right) => left.CompareTo(right) > 0;

    public static bool operator <=(EntryVersion left, EntryVersion right) => left.CompareTo(right) <= 0;

    public static bool operator >=(EntryVersion left, EntryVersion right) => left.CompareTo(right) >= 0;
}
