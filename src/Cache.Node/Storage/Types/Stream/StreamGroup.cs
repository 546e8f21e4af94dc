namespace Cache.Node.Storage;

/// <summary>
/// A consumer group, decoded for the command that works on it: its last delivered id, its read
/// counter, its pending entries (in id order) and its consumers (in name order, as Redis' rax).
/// </summary>
internal sealed class StreamGroup(byte[] name, StreamId lastId, long entriesRead) : IStreamNamed
{
    /// <summary>Redis' SCG_INVALID_ENTRIES_READ: the read counter is not known.</summary>
    public const long InvalidEntriesRead = -1;

    public byte[] Name { get; } = name;

    public StreamId LastId { get; set; } = lastId;

    public long EntriesRead { get; set; } = entriesRead;

    public List<StreamPending> Pending { get; } = [];

    public List<StreamConsumer> Consumers { get; } = [];

    public StreamConsumer? FindConsumer(ReadOnlySpan<byte> name)
    {
        var at = StreamNames.IndexOf(Consumers, name);
        return at >= 0 ? Consumers[at] : null;
    }

    /// <summary>The consumer called <paramref name="name"/>, created (seen now) when missing; <paramref name="created"/> says which.</summary>
    public StreamConsumer GetOrAddConsumer(ReadOnlySpan<byte> name, long nowMs, out bool created)
    {
        var at = StreamNames.IndexOf(Consumers, name);
        created = at < 0;
        if (!created)
        {
            return Consumers[at];
        }

        var consumer = new StreamConsumer(name.ToArray(), nowMs);
        Consumers.Insert(~at, consumer);
        return consumer;
    }

    /// <summary>Removes a consumer and its pending entries; returns how many it had.</summary>
    public long RemoveConsumer(StreamConsumer consumer)
    {
        var removed = Pending.RemoveAll(p => p.Consumer == consumer);
        Consumers.Remove(consumer);
        return removed;
    }

    public long PendingOf(StreamConsumer consumer)
    {
        var count = 0L;
        foreach (var pending in Pending)
        {
            if (pending.Consumer == consumer)
            {
                count++;
            }
        }

        return count;
    }

    public StreamPending? FindPending(StreamId id)
    {
        var at = PendingIndex(id);
        return at >= 0 ? Pending[at] : null;
    }

    /// <summary>Adds a pending entry (or returns the one there); <paramref name="added"/> says which.</summary>
    public StreamPending AddPending(StreamId id, StreamConsumer consumer, long nowMs, out bool added)
    {
        var at = PendingIndex(id);
        added = at < 0;
        if (!added)
        {
            return Pending[at];
        }

        var pending = new StreamPending(id, consumer, nowMs, 1);
        Pending.Insert(~at, pending);
        return pending;
    }

    public bool RemovePending(StreamId id)
    {
        var at = PendingIndex(id);
        if (at < 0)
        {
            return false;
        }

        Pending.RemoveAt(at);
        return true;
    }

    /// <summary>The index of the first pending entry with an id of at least <paramref name="id"/>.</summary>
    public int PendingFrom(StreamId id)
    {
        var at = PendingIndex(id);
        return at >= 0 ? at : ~at;
    }

    private int PendingIndex(StreamId id)
    {
        int low = 0, high = Pending.Count - 1;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            var order = Pending[mid].Id.CompareTo(id);
            if (order == 0)
            {
                return mid;
            }

            if (order < 0)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return ~low;
    }
}
