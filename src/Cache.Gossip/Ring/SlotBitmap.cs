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

    /// <summary>
    /// The set as nodes send it: the bitmap, or, when it holds fewer than 1,024 slots, their
    /// numbers (2 bytes each, little-endian), which is shorter (a repair of a few slots sends a
    /// few bytes, not 2 KB).
    /// </summary>
    public static byte[] ToWire(ReadOnlySpan<byte> bitmap)
    {
        var count = 0;
        for (var slot = 0; slot < HashSlot.Count; slot++)
        {
            count += Contains(bitmap, slot) ? 1 : 0;
        }

        if (count * 2 >= Length)
        {
            return bitmap.ToArray();
        }

        var list = new byte[count * 2];
        var at = 0;
        for (var slot = 0; slot < HashSlot.Count; slot++)
        {
            if (Contains(bitmap, slot))
            {
                System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(list.AsSpan(at), (ushort)slot);
                at += 2;
            }
        }

        return list;
    }

    /// <summary>Reads what <see cref="ToWire"/> wrote; false when the length is odd or above the bitmap's, or a slot is out of range.</summary>
    public static bool TryFromWire(ReadOnlySpan<byte> wire, out byte[] bitmap)
    {
        bitmap = Create();
        if (wire.Length == Length)
        {
            wire.CopyTo(bitmap);
            return true;
        }

        if (wire.Length > Length || wire.Length % 2 != 0)
        {
            return false;
        }

        for (var at = 0; at < wire.Length; at += 2)
        {
            var slot = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(wire[at..]);
            if (slot >= HashSlot.Count)
            {
                return false;
            }

            Add(bitmap, slot);
        }

        return true;
    }
}
