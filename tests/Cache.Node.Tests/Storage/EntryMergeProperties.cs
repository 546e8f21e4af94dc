using Cache.Node.Storage;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Cache.Node.Tests.Storage;

/// <summary>
/// The merge rule's algebra over random entries drawn from small domains, so equal versions,
/// tombstones and equal-version conflicts all come up often.
/// </summary>
public sealed class EntryMergeProperties
{
    private static readonly byte[][] Values = [[], [1], [2], [1, 2], [2, 1]];

    [Property(MaxTest = 2000)]
    public Property Merge_is_commutative() =>
        Prop.ForAll(Entries(), Entries(), (a, b) => Same(EntryMerge.Merge(a, b), EntryMerge.Merge(b, a)));

    [Property(MaxTest = 2000)]
    public Property Merge_is_associative() =>
        Prop.ForAll(Entries(), Entries(), Entries(), (a, b, c) =>
            Same(EntryMerge.Merge(EntryMerge.Merge(a, b), c), EntryMerge.Merge(a, EntryMerge.Merge(b, c))));

    [Property(MaxTest = 2000)]
    public Property Merge_is_idempotent() =>
        Prop.ForAll(Entries(), Entries(), (a, b) =>
            Same(EntryMerge.Merge(a, a), a) && Same(EntryMerge.Merge(EntryMerge.Merge(a, b), b), EntryMerge.Merge(a, b)));

    [Property(MaxTest = 2000)]
    public Property The_higher_version_wins_whatever_the_content() =>
        Prop.ForAll(Entries(), Entries(), (a, b) =>
            a.Version == b.Version || Same(EntryMerge.Merge(a, b), a.Version > b.Version ? a : b));

    [Fact]
    public void A_later_tombstone_beats_a_value_and_a_later_value_beats_a_tombstone()
    {
        var value = new ReplicatedEntry(new EntryVersion(10, 1), ValueKind.String, 0, new byte[] { 7 });
        var tombstone = ReplicatedEntry.Tombstone(new EntryVersion(11, 0));
        Assert.True(EntryMerge.Merge(value, tombstone).IsTombstone);
        var revived = value with { Version = new EntryVersion(12, 0) };
        Assert.False(EntryMerge.Merge(tombstone, revived).IsTombstone);
    }

    [Fact]
    public void Equal_clocks_are_ordered_by_node_id()
    {
        var a = new ReplicatedEntry(new EntryVersion(5, 1), ValueKind.String, 0, new byte[] { 1 });
        var b = new ReplicatedEntry(new EntryVersion(5, 2), ValueKind.String, 0, new byte[] { 0 });
        Assert.True(Same(b, EntryMerge.Merge(a, b)));
        Assert.True(EntryMerge.Replaces(b, a));
        Assert.False(EntryMerge.Replaces(a, b));
        Assert.False(EntryMerge.Replaces(a, a));
    }

    private static bool Same(ReplicatedEntry a, ReplicatedEntry b) => EntryMerge.Compare(a, b) == 0;

    private static Arbitrary<ReplicatedEntry> Entries() =>
        (from clock in Gen.Choose(0, 3)
         from node in Gen.Choose(0, 1)
         from kind in Gen.Elements(ValueKind.String, ValueKind.Hash, ValueKind.Tombstone)
         from expires in Gen.Choose(0, 2)
         from value in Gen.Elements(Values)
         select kind == ValueKind.Tombstone
             ? ReplicatedEntry.Tombstone(new EntryVersion(clock, (ushort)node))
             : new ReplicatedEntry(new EntryVersion(clock, (ushort)node), kind, expires, value)).ToArbitrary();
}
