namespace Cache.Node.Storage;

/// <summary>
/// The engine's observers as the rest of the node reaches them: WATCH, the slot digests, and the
/// registration of further observers. Replication capture is in <c>KeySpace.Replication.cs</c>.
/// </summary>
internal sealed partial class KeySpace
{
    /// <summary>Hash slots per segment of the digest tree: 128 segments of 128 slots.</summary>
    public const int SlotsPerSegment = SlotDigests.SlotsPerSegment;

    /// <summary>
    /// Adds an observer of every entry change (keyspace notifications, client tracking); it is
    /// called under the lock, after the built-in ones, for as long as the key space lives.
    /// </summary>
    public void Observe(IEntryObserver observer) => _observers.Add(observer);

    /// <summary>Stops calling an observer added by <see cref="Observe"/> (client tracking, once nobody tracks).</summary>
    public void StopObserving(IEntryObserver observer) => _observers.Remove(observer);

    /// <summary>Marks <paramref name="state"/> dirty whenever <paramref name="key"/> changes, until <see cref="Unwatch"/>.</summary>
    public void Watch(ReadOnlySpan<byte> key, WatchState state)
    {
        AssertHeld();
        _observers.Watches.Watch(key, state);
    }

    /// <summary>Forgets every key <paramref name="state"/> watches and clears its dirty mark.</summary>
    public void Unwatch(WatchState state)
    {
        AssertHeld();
        _observers.Watches.Unwatch(state);
    }

    /// <summary>The digest of hash slot <paramref name="slot"/>'s entries (0 when it holds none); see <see cref="SlotDigests"/>.</summary>
    public ulong SlotDigest(int slot) => _observers.Digests.Of(slot);

    /// <summary>
    /// The XOR of the digests of the hash slots of <paramref name="segment"/> that <paramref name="mask"/>
    /// (a 16384-bit slot bitmap) selects: two replicas compare the slots they share, segment by segment.
    /// </summary>
    public ulong SegmentDigest(int segment, ReadOnlySpan<byte> mask) => _observers.Digests.OfSegment(segment, mask);

    /// <summary>Every slot's digest computed from scratch by walking the table (tests check the incremental ones against it).</summary>
    public ulong[] RecomputeSlotDigests() => SlotDigests.Recompute(_table);
}
