using System.Buffers.Binary;

namespace Cache.Client.Caching;

/// <summary>
/// The few bytes stored in front of every value: which expirations the entry has, its sliding
/// window and its absolute end, both in milliseconds. The node keeps a plain string whose TTL is
/// the time left; the header tells a read how far to slide it (no Lua, one GET per read).
/// </summary>
/// <remarks>
/// Layout: magic <c>C0 67 63</c>, version 1, flags (1 = sliding, 2 = absolute), then the sliding
/// window (int64 ms) and the absolute end (int64 Unix ms), each only when its flag is set.
/// A value without the magic (written by another client) is returned as is, without expiry data.
/// </remarks>
internal readonly record struct CacheEntryHeader(long? SlidingMs, long? AbsoluteUnixMs)
{
    public const int MaxLength = 5 + 8 + 8;

    private const byte Version = 1;
    private const byte SlidingFlag = 1;
    private const byte AbsoluteFlag = 2;

    private static ReadOnlySpan<byte> Magic => [0xC0, (byte)'g', (byte)'c'];

    public bool HasSliding => SlidingMs.HasValue;

    public int Write(Span<byte> destination)
    {
        Magic.CopyTo(destination);
        destination[3] = Version;
        var flags = (byte)((SlidingMs.HasValue ? SlidingFlag : 0) | (AbsoluteUnixMs.HasValue ? AbsoluteFlag : 0));
        destination[4] = flags;
        var n = 5;
        if (SlidingMs is { } sliding)
        {
            BinaryPrimitives.WriteInt64LittleEndian(destination[n..], sliding);
            n += 8;
        }

        if (AbsoluteUnixMs is { } absolute)
        {
            BinaryPrimitives.WriteInt64LittleEndian(destination[n..], absolute);
            n += 8;
        }

        return n;
    }

    /// <summary>Reads the header; false (and no expiry data) for a value another client wrote.</summary>
    public static bool TryRead(ReadOnlySpan<byte> stored, out CacheEntryHeader header, out int length)
    {
        header = default;
        length = 0;
        if (stored.Length < 5 || !stored.StartsWith(Magic) || stored[3] != Version || (stored[4] & ~(SlidingFlag | AbsoluteFlag)) != 0)
        {
            return false;
        }

        var flags = stored[4];
        var n = 5;
        long? sliding = null;
        long? absolute = null;
        if ((flags & SlidingFlag) != 0)
        {
            if (stored.Length < n + 8)
            {
                return false;
            }

            sliding = BinaryPrimitives.ReadInt64LittleEndian(stored[n..]);
            n += 8;
        }

        if ((flags & AbsoluteFlag) != 0)
        {
            if (stored.Length < n + 8)
            {
                return false;
            }

            absolute = BinaryPrimitives.ReadInt64LittleEndian(stored[n..]);
            n += 8;
        }

        header = new CacheEntryHeader(sliding, absolute);
        length = n;
        return true;
    }

    /// <summary>
    /// Milliseconds the key should live from <paramref name="nowUnixMs"/>: the sliding window capped
    /// by the absolute end, or the time to the absolute end, or null for no TTL. Zero or less: already expired.
    /// </summary>
    public long? TimeToLiveMs(long nowUnixMs)
    {
        long? left = AbsoluteUnixMs is { } end ? end - nowUnixMs : null;
        return (SlidingMs, left) switch
        {
            ({ } sliding, { } l) => Math.Min(sliding, l),
            ({ } sliding, null) => sliding,
            (null, { } l) => l,
            _ => null,
        };
    }
}
