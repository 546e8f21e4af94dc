using System.Text;
using Cache.Gossip.Ring;
using Cache.Node.Storage;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;

namespace Cache.Node.Tests.Storage;

/// <summary>
/// The per-slot digests kept on every write equal a digest computed from scratch, and two key
/// spaces that merged the same entries in different orders hold the same digests.
/// </summary>
public sealed class SlotDigestProperties
{
    [Property(MaxTest = 200)]
    public Property Incremental_digests_equal_a_full_recomputation(int seed) =>
        Prop.ForAll(Arb.From(Gen.Choose(1, 400)), steps =>
        {
            var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20000));
            var keys = new KeySpace(time) { TombstoneHorizonMs = 60_000, NodeId = 1 };
            var random = new Random(seed);
            for (var i = 0; i < steps; i++)
            {
                RandomWrite(keys, random, time);
            }

            return keys.RecomputeSlotDigests().SequenceEqual(Enumerable.Range(0, HashSlot.Count).Select(keys.SlotDigest));
        });

    [Property(MaxTest = 100)]
    public Property Replicas_that_merged_the_same_entries_in_any_order_agree(int seed)
    {
        var random = new Random(seed);
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20000));
        var source = new KeySpace(time) { TombstoneHorizonMs = 60_000, NodeId = 1 };
        var history = new List<(byte[] Key, ReplicatedEntry Entry)>();
        for (var i = 0; i < 200; i++)
        {
            RandomWrite(source, random, time);
            var key = Key(random.Next(30));
            if (source.Export(key) is { } entry)
            {
                history.Add((key, entry));
            }
        }

        var inOrder = new KeySpace(time) { TombstoneHorizonMs = 60_000, NodeId = 2 };
        var shuffled = new KeySpace(time) { TombstoneHorizonMs = 60_000, NodeId = 3 };
        foreach (var (key, entry) in history)
        {
            inOrder.Apply(key, entry);
        }

        foreach (var (key, entry) in history.OrderBy(_ => random.Next()).Concat(history.Take(20)))
        {
            shuffled.Apply(key, entry);
        }

        return Enumerable.Range(0, HashSlot.Count).All(s => inOrder.SlotDigest(s) == shuffled.SlotDigest(s)).ToProperty();
    }

    [Fact]
    public void A_write_changes_its_slot_digest_and_deleting_everything_returns_to_zero()
    {
        var keys = new KeySpace(new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20000)));
        var slot = HashSlot.ForKey("k"u8);
        keys.SetString("k"u8, "v1"u8);
        var first = keys.SlotDigest(slot);
        Assert.NotEqual(0UL, first);
        keys.SetString("k"u8, "v2"u8);
        Assert.NotEqual(first, keys.SlotDigest(slot));
        Assert.True(keys.Delete("k"u8));
        Assert.Equal(0UL, keys.SlotDigest(slot));
    }

    private static void RandomWrite(KeySpace keys, Random random, FakeTimeProvider time)
    {
        var key = Key(random.Next(30));
        switch (random.Next(6))
        {
            case 0:
                keys.SetString(key, Encoding.ASCII.GetBytes($"v{random.Next(100)}"));
                break;
            case 1:
                keys.SetString(key, "x"u8, keys.NowMs + random.Next(1, 5000));
                break;
            case 2:
                keys.Delete(key);
                break;
            case 3:
                var entry = new ReplicatedEntry(new EntryVersion(keys.NowMs * 65536 + random.Next(-100_000, 100_000), (ushort)random.Next(4)),
                    random.Next(4) == 0 ? ValueKind.Tombstone : ValueKind.String, 0, new byte[] { (byte)random.Next(256) });
                keys.Apply(key, entry.IsTombstone ? ReplicatedEntry.Tombstone(entry.Version) : entry);
                break;
            case 4:
                time.Advance(TimeSpan.FromMilliseconds(random.Next(0, 3000)));
                keys.Exists(key);   // may expire it on access
                break;
            default:
                ref var live = ref keys.Lookup(key);
                if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref live))
                {
                    keys.SetExpiry(ref live, random.Next(2) == 0 ? 0 : keys.NowMs + random.Next(1, 5000));
                }

                break;
        }
    }

    private static byte[] Key(int i) => Encoding.ASCII.GetBytes($"key:{i}");
}
