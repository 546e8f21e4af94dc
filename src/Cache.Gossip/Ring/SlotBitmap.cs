namespace Cache.Gossip.Ring;

/// <summary>
/// A set of hash slots as 2048 bytes, one bit per slot (slot s is bit s % 8 of byte s / 8): how
/// nodes name the slots a hand-off, a digest comparison or a repair is about.
/// </summary>
public static class SlotBitmap
{
    /// <summary>Bytes in a bitmap of every slot.</summary>
    public const int Length = HashSlot.Count / 8;

    /// <summary>An empty set.</summary>
    public static byte[] Create() => new byte[Length];

    /// <summary>The set of the slots flagged in <paramref name="slots"/> (one flag per slot).</summary>
    public static byte[] From(ReadOnlySpan<bool> slots)
    {
        var bitmap = Create();
        for (var slot = 0; slot < slots.Length; slot++)
        {
            if (slots[slot])
            {
                Add(bitmap, slot);
            }
        }

        return bitmap;
    }

    /// <summary>Adds <paramref name="slot"/> to the set.</summary>
    public static void Add(Span<byte> bitmap, int slot) => bitmap[slot >> 3] |= (byte)(1 << (slot & 7));

    /// <summary>True when <paramref name="slot"/> is in the set.</summary>
    public static bool Contains(ReadOnlySpan<byte> bitmap, int slot) => (bitmap[slot >> 3] & (1 << (slot & 7))) != 0;
}
