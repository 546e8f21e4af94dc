using System.Collections.Concurrent;

namespace Cache.Client.Caching;

/// <summary>
/// The bounded map of near copies. Hits take no lock (a dictionary read and a flag write); when an
/// insert goes over <see cref="NearCacheOptions.MaxEntries"/> or <see cref="NearCacheOptions.MaxBytes"/>,
/// a CLOCK sweep (second chance for copies read since the last sweep) evicts under one lock.
/// </summary>
internal sealed class NearCache
{
    private readonly ConcurrentDictionary<string, NearEntry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<NearEntry> _clock = new();
    private readonly Lock _sweeping = new();
    private readonly int _maxEntries;
    private readonly long _maxBytes;
    private readonly int _maxEntryBytes;
    private long _bytes;

    public NearCache(NearCacheOptions options)
    {
        _maxEntries = options.MaxEntries;
        _maxBytes = options.MaxBytes;
        _maxEntryBytes = options.MaxEntryBytes;
    }

    public int Count => _entries.Count;

    public long Bytes => Interlocked.Read(ref _bytes);

    public bool TryGet(string key, out NearEntry entry)
    {
        if (_entries.TryGetValue(key, out entry!))
        {
            entry.Touched = true;
            return true;
        }

        return false;
    }

    /// <summary>Keeps a copy (replacing any other); null when the value is too large to copy.</summary>
    public NearEntry? Add(NearEntry entry)
    {
        if (entry.Stored.Length > _maxEntryBytes)
        {
            return null;
        }

        _entries.AddOrUpdate(entry.Key, entry, (_, old) =>
        {
            Interlocked.Add(ref _bytes, -old.Size);
            return entry;
        });
        Interlocked.Add(ref _bytes, entry.Size);
        _clock.Enqueue(entry);
        if (_entries.Count > _maxEntries || Bytes > _maxBytes || _clock.Count > (2 * _entries.Count) + 64)
        {
            Sweep();
        }

        return entry;
    }

    public void Remove(string key)
    {
        if (_entries.TryRemove(key, out var old))
        {
            Interlocked.Add(ref _bytes, -old.Size);
        }
    }

    /// <summary>Removes this copy only (not a newer one of the same key).</summary>
    public void Remove(NearEntry entry)
    {
        if (_entries.TryRemove(new KeyValuePair<string, NearEntry>(entry.Key, entry)))
        {
            Interlocked.Add(ref _bytes, -entry.Size);
        }
    }

    public void Clear()
    {
        foreach (var entry in _entries.Values)
        {
            Remove(entry);
        }
    }

    private bool IsLive(NearEntry entry) => _entries.TryGetValue(entry.Key, out var current) && ReferenceEquals(current, entry);

    private void Sweep()
    {
        lock (_sweeping)
        {
            // Drop the queue's records of copies already gone, then evict until within bounds;
            // each live copy is looked at at most twice (once to clear its flag, once to evict).
            for (var n = _clock.Count; n > 0 && _clock.Count > (2 * _entries.Count) + 64 && _clock.TryDequeue(out var entry); n--)
            {
                if (IsLive(entry))
                {
                    _clock.Enqueue(entry);
                }
            }

            var budget = 2 * _clock.Count;
            while ((_entries.Count > _maxEntries || Bytes > _maxBytes) && budget-- > 0 && _clock.TryDequeue(out var entry))
            {
                if (!IsLive(entry))
                {
                    continue;
                }

                if (entry.Touched)
                {
                    entry.Touched = false;
                    _clock.Enqueue(entry);
                    continue;
                }

                Remove(entry);
            }
        }
    }
}
