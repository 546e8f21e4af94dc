using Cache.Gossip.Ring;
using Cache.Node.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Cache.Node.Tests.Storage;

/// <summary>The keys of one cluster slot: live keys only.</summary>
public sealed class KeySpaceSlotTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2029, 7, 1, 3, 4, 5, TimeSpan.Zero));

    [Fact]
    public void Counting_and_listing_a_slot_skip_other_slots_tombstones_and_expired_keys()
    {
        var keys = new KeySpace(_time) { TombstoneHorizonMs = 60_000 };
        var slot = HashSlot.ForKey("{s}"u8);
        keys.SetString("{s}live1"u8, "v"u8);
        keys.SetString("{s}live2"u8, "v"u8);
        keys.SetString("{s}live3"u8, "v"u8, expiresAt: keys.NowMs + 10_000);
        keys.SetString("{s}expires"u8, "v"u8, expiresAt: keys.NowMs + 1_000);
        keys.SetString("{s}deleted"u8, "v"u8);
        keys.SetString("elsewhere"u8, "v"u8);
        Assert.True(keys.Delete("{s}deleted"u8));
        Assert.Equal(1, keys.TombstoneCount);
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(3, keys.CountKeysInSlot(slot));
        var all = new List<byte[]>();
        keys.KeysInSlot(slot, long.MaxValue, all);
        Assert.Equal(["{s}live1", "{s}live2", "{s}live3"], all.Select(k => System.Text.Encoding.ASCII.GetString(k)).Order());

        var two = new List<byte[]>();
        keys.KeysInSlot(slot, 2, two);
        Assert.Equal(2, two.Count);
        var none = new List<byte[]>();
        keys.KeysInSlot(slot, 0, none);
        Assert.Empty(none);
        Assert.NotEqual(slot, HashSlot.ForKey("elsewhere"u8));
        Assert.Equal(1, keys.CountKeysInSlot(HashSlot.ForKey("elsewhere"u8)));
    }
}
