using System.Buffers;
using System.IO.Compression;
using System.Runtime.InteropServices;

namespace Cache.Gossip.Wire;

/// <summary>
/// Inflates a deflated body only when it fits a limit. A first pass counts the output into a small
/// pooled buffer, so a decompression bomb is refused after at most <c>limit</c> bytes of work and no
/// allocation of its size; a body within the limit is then inflated once more into an exact array.
/// </summary>
internal static class Inflater
{
    private const int ScratchSize = 16 * 1024;

    public static bool TryInflate(ReadOnlyMemory<byte> deflated, int limit, out byte[] inflated, out DropReason reason)
    {
        inflated = [];
        reason = default;
        var scratch = ArrayPool<byte>.Shared.Rent(ScratchSize);
        try
        {
            long size = 0;
            using (var counter = Open(deflated))
            {
                int read;
                while ((read = counter.Read(scratch, 0, ScratchSize)) > 0)
                {
                    size += read;
                    if (size > limit)
                    {
                        reason = DropReason.TooLarge;
                        return false;
                    }
                }
            }

            var output = new byte[size];
            using (var inflater = Open(deflated))
            {
                inflater.ReadExactly(output);
            }

            inflated = output;
            return true;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException) // not a deflate stream
        {
            reason = DropReason.Malformed;
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private static DeflateStream Open(ReadOnlyMemory<byte> deflated)
    {
        var input = MemoryMarshal.TryGetArray(deflated, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(deflated.ToArray(), writable: false);
        return new DeflateStream(input, CompressionMode.Decompress);
    }
}
