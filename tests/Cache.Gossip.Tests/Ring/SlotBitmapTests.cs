using Cache.Gossip.Ring;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Cache.Gossip.Tests.Ring;

public sealed class SlotBitmapTests
{
    [Property(MaxTest = 300)]
    public Property Any_slot_set_survives_the_wire_and_a_small_one_is_sent_as_a_list() =>
        Prop.ForAll(Gen.Choose(0, HashSlot.Count - 1).ListOf().Select(l => l.ToArray()).ToArbitrary(), slots =>
        {
            var bitmap = SlotBitmap.Create();
            foreach (var slot in slots)
            {
                SlotBitmap.Add(bitmap, slot);
            }

            var wire = SlotBitmap.ToWire(bitmap);
            var distinct = slots.Distinct().Count();
            return SlotBitmap.TryFromWire(wire, out var back) && back.AsSpan().SequenceEqual(bitmap)
                && wire.Length == (distinct * 2 < SlotBitmap.Length ? distinct * 2 : SlotBitmap.Length);
        });

    [Fact]
    public void A_whole_bitmap_passes_and_malformed_lists_are_refused()
    {
        var all = Enumerable.Repeat((byte)0xFF, SlotBitmap.Length).ToArray();
        Assert.True(SlotBitmap.TryFromWire(all, out var every));
        Assert.Equal(all, every);
        Assert.Equal(all, SlotBitmap.ToWire(all));
        Assert.False(SlotBitmap.TryFromWire(new byte[3], out _));
        Assert.False(SlotBitmap.TryFromWire(new byte[SlotBitmap.Length + 2], out _));
        Assert.False(SlotBitmap.TryFromWire([0x00, 0x40], out _));   // slot 16384
        Assert.True(SlotBitmap.TryFromWire([], out var none) && none.All(b => b == 0));
    }
}
