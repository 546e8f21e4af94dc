using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace Cache.Node.Commands;

/// <summary>Reading the master's replies: status lines, and the RDB payload in either of its forms.</summary>
internal sealed partial class MasterLink
{
    private const int EofMarkLength = 40;

    /// <summary>One reply line without its CRLF; with <paramref name="skipEmpty"/>, the master's newline keep-alives are skipped.</summary>
    private static async Task<string> ReadLineAsync(PipeReader input, CancellationToken token, bool skipEmpty = false)
    {
        while (true)
        {
            var result = await input.ReadAsync(token).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.PositionOf((byte)'\n') is { } end)
            {
                var line = Encoding.Latin1.GetString(buffer.Slice(0, end)).TrimEnd('\r');
                input.AdvanceTo(buffer.GetPosition(1, end));
                if (skipEmpty && line.Length == 0)
                {
                    continue;
                }

                return line;
            }

            if (buffer.Length > MaxLineBytes)
            {
                throw new InvalidDataException("The master sent a line longer than " + MaxLineBytes + " bytes");
            }

            if (result.IsCompleted)
            {
                throw new IOException("The master closed the connection");
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>The RDB after +FULLRESYNC: <c>$length</c> then that many bytes, or <c>$EOF:mark</c>, the bytes, then the 40-byte mark.</summary>
    private async Task<byte[]> ReadPayloadAsync(PipeReader input, CancellationToken token)
    {
        var header = await ReadLineAsync(input, token, skipEmpty: true).ConfigureAwait(false);
        if (!header.StartsWith('$'))
        {
            throw new InvalidDataException("Bad protocol from MASTER, the first byte is not '$': " + header);
        }

        if (header.StartsWith("$EOF:", StringComparison.Ordinal))
        {
            var mark = Encoding.Latin1.GetBytes(header["$EOF:".Length..]);
            if (mark.Length != EofMarkLength)
            {
                throw new InvalidDataException("Bad EOF mark from MASTER: " + header);
            }

            return await ReadUntilMarkAsync(input, mark, token).ConfigureAwait(false);
        }

        if (!long.TryParse(header.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length)
            || length > Array.MaxLength)
        {
            throw new InvalidDataException("Bad RDB length from MASTER: " + header);
        }

        role.SyncTotalBytes = length;
        var rdb = new ArrayBufferWriter<byte>((int)Math.Min(length, 1 << 20) + 1);
        while (rdb.WrittenCount < length)
        {
            var result = await input.ReadAsync(token).ConfigureAwait(false);
            var buffer = result.Buffer;
            var take = buffer.Slice(0, Math.Min(buffer.Length, length - rdb.WrittenCount));
            foreach (var segment in take)
            {
                rdb.Write(segment.Span);
            }

            role.SyncReadBytes = rdb.WrittenCount;
            input.AdvanceTo(take.End);
            if (result.IsCompleted && rdb.WrittenCount < length)
            {
                throw new IOException("The master closed the connection during the RDB transfer");
            }
        }

        return rdb.WrittenSpan.ToArray();
    }

    // Disk-less form: the payload's end is known only when its last 40 bytes are the mark.
    private async Task<byte[]> ReadUntilMarkAsync(PipeReader input, byte[] mark, CancellationToken token)
    {
        var rdb = new ArrayBufferWriter<byte>(1 << 16);
        while (true)
        {
            var result = await input.ReadAsync(token).ConfigureAwait(false);
            var buffer = result.Buffer;
            var before = rdb.WrittenCount;
            foreach (var segment in buffer)
            {
                rdb.Write(segment.Span);
            }

            // The mark may end mid-read, with the command stream after it: search what is new.
            var from = Math.Max(0, before - EofMarkLength);
            var found = rdb.WrittenSpan[from..].IndexOf(mark);
            if (found >= 0)
            {
                var end = from + found;
                var after = rdb.WrittenCount - (end + EofMarkLength);
                input.AdvanceTo(buffer.GetPosition(buffer.Length - after));
                role.SyncReadBytes = end;
                return rdb.WrittenSpan[..end].ToArray();
            }

            input.AdvanceTo(buffer.End);
            role.SyncReadBytes = rdb.WrittenCount;
            if (rdb.WrittenCount > Array.MaxLength - (1 << 20))
            {
                throw new InvalidDataException("The master's RDB payload is too large");
            }

            if (result.IsCompleted)
            {
                throw new IOException("The master closed the connection during the RDB transfer");
            }
        }
    }
}
