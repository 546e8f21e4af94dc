using System.Globalization;
using System.Text;
using Cache.Client.Resp;
using Cache.Gossip.Ring;
using Microsoft.Extensions.Caching.Distributed;

namespace Cache.Client.Caching;

/// <summary>The shared paths of <see cref="GossipCache"/>: read-and-slide, expirations, metrics.</summary>
public sealed partial class GossipCache
{
    private static readonly KeyValuePair<string, object?>[] GetTag = [new("operation", "get")];
    private static readonly KeyValuePair<string, object?>[] SetTag = [new("operation", "set")];
    private static readonly KeyValuePair<string, object?>[] RefreshTag = [new("operation", "refresh")];
    private static readonly KeyValuePair<string, object?>[] RemoveTag = [new("operation", "remove")];

    private enum Operation
    {
        Get,
        Set,
        Refresh,
        Remove,
    }

    // GET, then (sliding entries only) PEXPIRE to the window capped by the absolute end.
    private async ValueTask<(byte[]? Stored, int Offset)> GetAndRefreshAsync(string key, CancellationToken token)
    {
        var fullKey = FullKey(key);
        var slot = HashSlot.ForKey(fullKey.Span);
        var reply = await RunAsync(Operation.Get, slot, RespCommandWriter.Encode([GetCommand, fullKey]), token).ConfigureAwait(false);
        if (reply.Bytes is not { } stored || reply.IsNull)
        {
            return (null, 0);
        }

        if (!CacheEntryHeader.TryRead(stored, out var header, out var length))
        {
            // Another client's value: returned as is, it has no expiry data of ours.
            return (stored, 0);
        }

        if (header.AbsoluteUnixMs is { } end && end <= NowMs(_time.GetUtcNow()))
        {
            // Past its absolute end by our clock; the node's TTL removes it at the same moment by its clock.
            return (null, 0);
        }

        await SlideAsync(Operation.Get, fullKey, slot, header, token).ConfigureAwait(false);
        return (stored, length);
    }

    private async ValueTask SlideAsync(Operation operation, ReadOnlyMemory<byte> fullKey, int slot, CacheEntryHeader header, CancellationToken token)
    {
        if (!header.HasSliding || header.TimeToLiveMs(NowMs(_time.GetUtcNow())) is not { } ttl || ttl <= 0)
        {
            return;
        }

        await RunAsync(operation, slot, RespCommandWriter.Encode([PexpireCommand, fullKey, Number(ttl)]), token).ConfigureAwait(false);
    }

    // One command through the router, counted and timed; an error reply becomes RespServerException.
    private async ValueTask<RespReply> RunAsync(Operation operation, int slot, byte[] frame, CancellationToken token)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var tags = operation switch
        {
            Operation.Get => GetTag,
            Operation.Set => SetTag,
            Operation.Refresh => RefreshTag,
            _ => RemoveTag,
        };
        var started = _time.GetTimestamp();
        _metrics.Requests.Add(1, tags);
        try
        {
            var reply = await _router.ExecuteAsync(slot, frame, token).ConfigureAwait(false);
            if (reply.IsError)
            {
                throw new RespServerException(reply.Text ?? "ERR");
            }

            return reply;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _metrics.Errors.Add(1, tags);
            throw;
        }
        finally
        {
            _metrics.Duration.Record(_time.GetElapsedTime(started).TotalMilliseconds, tags);
        }
    }

    // RedisCache's rules: an absolute end must be in the future; relative-to-now wins over absolute.
    private static CacheEntryHeader HeaderFor(DistributedCacheEntryOptions options, DateTimeOffset now)
    {
        if (options.AbsoluteExpiration is { } absolute && absolute <= now)
        {
#pragma warning disable CA2208 // The same parameter name RedisCache reports: the option's, not ours.
            throw new ArgumentOutOfRangeException(nameof(DistributedCacheEntryOptions.AbsoluteExpiration), absolute, "The absolute expiration value must be in the future.");
#pragma warning restore CA2208
        }

        var end = options.AbsoluteExpirationRelativeToNow is { } relative ? now + relative : options.AbsoluteExpiration;
        return new CacheEntryHeader(
            options.SlidingExpiration is { } sliding ? CeilingMs(sliding.Ticks) : null,
            end is { } e ? CeilingMs(e.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) : null);
    }

    // Now rounded up like the absolute end, so time left is never rounded over what was asked.
    private static long NowMs(DateTimeOffset now) => CeilingMs(now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks);

    // Rounded up, so an entry never expires before it was asked to (and never gets a TTL of 0).
    private static long CeilingMs(long ticks) => (ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;

    private ReadOnlyMemory<byte> FullKey(string key)
    {
        var bytes = new byte[_prefix.Length + Encoding.UTF8.GetByteCount(key)];
        _prefix.CopyTo(bytes, 0);
        Encoding.UTF8.GetBytes(key, bytes.AsSpan(_prefix.Length));
        return bytes;
    }

    private static ReadOnlyMemory<byte> Number(long value) => Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture));
}
