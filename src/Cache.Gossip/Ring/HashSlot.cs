namespace Cache.Gossip.Ring;

/// <summary>
/// Redis Cluster's key → slot function: CRC16 (XMODEM) of the key, or of its <c>{hash tag}</c>,
/// modulo 16384. Keys that share a tag share a slot, so multi-key commands can stay on one owner.
/// </summary>
public static class HashSlot
{
    /// <summary>Number of slots, as in Redis Cluster.</summary>
    public const int Count = 16384;

    private static readonly ushort[] Table = BuildTable();

    /// <summary>The slot of <paramref name="key"/>.</summary>
    public static int ForKey(ReadOnlySpan<byte> key)
    {
        var open = key.IndexOf((byte)'{');
        if (open >= 0)
        {
            var close = key[(open + 1)..].IndexOf((byte)'}');
            // An empty tag "{}" does not count: the whole key is hashed, as in Redis.
            if (close > 0)
            {
                key = key.Slice(open + 1, close);
            }
        }

        return Crc16(key) & (Count - 1);
    }

    // CRC16-CCITT (XMODEM): polynomial 0x1021, initial value 0. Internal: users want ForKey; the tests pin the CRC itself.
    internal static ushort Crc16(ReadOnlySpan<byte> data)
    {
        ushort crc = 0;
        foreach (var b in data)
        {
            crc = (ushort)((crc << 8) ^ Table[((crc >> 8) ^ b) & 0xFF]);
        }

        return crc;
    }

    private static ushort[] BuildTable()
    {
        var table = new ushort[256];
        for (var i = 0; i < 256; i++)
        {
            var crc = (ushort)(i << 8);
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x8000) != 0 ? (ushort)((crc << 1) ^ 0x1021) : (ushort)(crc << 1);
            }

            table[i] = crc;
        }

        return table;
    }
}
