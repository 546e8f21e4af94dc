using Cache.Client.Resp;
using Cache.Gossip.Ring;

namespace Cache.Client.Caching;

/// <summary>The near cache's read path, and what HybridCache coherence adds to reads.</summary>
public sealed partial class GossipCache
{
    // A read that overlapped an invalidation of its key is tried again this many times (HybridCache
    // would otherwise keep the old value it returned in its L1); then its value is returned as is.
    private const int RereadLimit = 2;

    /// <summary>Copies kept by the near cache (0 when it is off); for tests and diagnostics.</summary>
    internal int NearCount => _near?.Count ?? 0;

    internal InvalidationListener? Listener => _listener;

    /// <summary>Tests only: runs after a miss's GET returned and before its copy is kept (to race an invalidation there).</summary>
    internal Func<string, Task>? AfterMissRead { get; set; }

    /// <summary>Wires HybridCache's L1 (from <paramref name="services"/>) to the invalidations; AddGossipCache calls it.</summary>
    internal void AttachHybridCache(IServiceProvider services)
    {
        if (_listener is null || _hybrid is not null)
        {
            return;
        }

        _hybrid = new HybridCacheInvalidation(services, _listener, _time);
        _listener.Start();
    }

    // Shared: the bytes are a near copy's, so callers get a copy of them.
    private async ValueTask<(byte[]? Stored, int Offset, bool Shared)> ReadAsync(string key, CancellationToken token)
    {
        if (_listener is not { } listener)
        {
            var (s, o) = await GetAndRefreshAsync(key, token).ConfigureAwait(false);
            return (s, o, false);
        }

        if (_near is { } near && near.TryGet(key, out var hit))
        {
            var now = NowMs(_time.GetUtcNow());
            if (hit.IsFresh(now))
            {
                _metrics.NearHits.Add(1);
                return (hit.Stored, hit.Offset, true);
            }

            near.Remove(hit);
        }

        listener.Start();
        if (_hybrid is not null && !listener.WasEverReady)
        {
            await WaitForListenerAsync(listener, token).ConfigureAwait(false);
        }

        for (var attempt = 0; ; attempt++)
        {
            var ready = listener.IsReady;
            var epoch = listener.Epoch;
            var stripe = listener.Stripe(key);
            var (stored, offset) = await GetAndRefreshAsync(key, token).ConfigureAwait(false);
            if (AfterMissRead is { } hook)
            {
                await hook(key).ConfigureAwait(false);
            }

            if (stored is not null && ready && _near is { } copies && NewEntry(key, stored, offset) is { } copy
                && copies.Add(copy) is { } entry
                && !(listener.IsReady && listener.Epoch == epoch && listener.Stripe(key) == stripe))
            {
                // Kept first, checked after: an invalidation either moved the counters before this
                // check or comes after the copy exists and removes it.
                copies.Remove(entry);
            }

            if (_hybrid is null || attempt >= RereadLimit || (listener.Epoch == epoch && listener.Stripe(key) == stripe))
            {
                return (stored, offset, _near is not null);
            }
        }
    }

    // HybridCache's first reads wait (within CommandTimeout) for the listener, so its L1 never holds
    // a value whose change nobody heard; past the timeout reads go on without it. Later losses do
    // not make reads wait: they replay "*" (every L1 entry is refetched) instead.
    private async Task WaitForListenerAsync(InvalidationListener listener, CancellationToken token)
    {
        try
        {
            await listener.WhenReadyAsync(token).WaitAsync(_commandTimeout, _time, token).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Not every node answered; reads still work, coherence catches up once they do.
        }
    }

    // Null for an entry with a sliding expiration: each read of it must slide it on the node, and
    // that PEXPIRE is a change the nodes report to every listener (this one too), so a copy of it
    // would be dropped by every read. Such entries are read through.
    private static NearEntry? NewEntry(string key, byte[] stored, int offset)
    {
        if (offset == 0 || !CacheEntryHeader.TryRead(stored, out var header, out _))
        {
            return new NearEntry(key, stored, offset, null);
        }

        return header.HasSliding ? null : new NearEntry(key, stored, offset, header.AbsoluteUnixMs);
    }

    // This client's own write: no copy may outlive it, nor may a read in flight keep the old value.
    private void ForgetNear(string key)
    {
        if (_near is { } near)
        {
            _listener!.Bump(key);
            near.Remove(key);
        }
    }
}
