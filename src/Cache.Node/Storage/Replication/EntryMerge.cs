namespace Cache.Node.Storage;

/// <summary>
/// THE merge rule for replicas of one key, and the only place it lives: the entry with the higher
/// version wins; a tombstone is an entry like any other. Equal versions come from the same write
/// and so are identical; should they differ anyway (a bug elsewhere), a total order on the content
/// still picks the same winner on every replica. That makes merge commutative, associative and
/// idempotent, so anti-entropy may apply updates in any order, any number of times.
/// </summary>
internal static class EntryMerge
{
    /// <summary>The entry both replicas keep after exchanging <paramref name="a"/> and <paramref name="b"/>.</summary>
    public static ReplicatedEntry Merge(in ReplicatedEntry a, in ReplicatedEntry b) => Wins(a, b) ? a : b;

    /// <summary>True when <paramref name="incoming"/> must replace <paramref name="current"/> (ties keep current).</summary>
    public static bool Replaces(in ReplicatedEntry incoming, in ReplicatedEntry current) => Compare(incoming, current) > 0;

    /// <summary>True when <paramref name="a"/> is kept over <paramref name="b"/>.</summary>
    public static bool Wins(in ReplicatedEntry a, in ReplicatedEntry b) => Compare(a, b) >= 0;

    /// <summary>A total order on entries: version first, then content.</summary>
    public static int Compare(in ReplicatedEntry a, in ReplicatedEntry b)
    {
        var order = a.Version.CompareTo(b.Version);
        if (order != 0)
        {
            return order;
        }

        order = a.Kind.CompareTo(b.Kind);
        if (order != 0)
        {
            return order;
        }

        order = a.ExpiresAt.CompareTo(b.ExpiresAt);
        return order != 0 ? order : a.Value.Span.SequenceCompareTo(b.Value.Span);
    }
}
