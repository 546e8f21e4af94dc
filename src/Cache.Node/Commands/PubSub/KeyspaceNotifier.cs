using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// Keyspace notifications (<c>notify-keyspace-events</c>), raised on the node where the change
/// is applied, as in Redis Cluster, and delivered to this node's subscribers only. Commands raise
/// their event by name (<see cref="ClientSession.Notify"/>) after their change; the engine's
/// changes that no command names (a key created, a TTL passing, maxmemory taking a key) come from
/// the store as an <see cref="IEntryObserver"/>. Entries merged from a peer (replication, repair,
/// hand-off) raise nothing here: the node that ran the command raised its event.
/// </summary>
internal sealed class KeyspaceNotifier(CacheServer server) : IEntryObserver
{
    private static readonly byte[] KeyspacePrefix = "__keyspace@0__:"u8.ToArray();
    private static readonly byte[] KeyeventPrefix = "__keyevent@0__:"u8.ToArray();
    private byte[] _channel = new byte[256];

    /// <summary>The classes of events raised; none by default, as in Redis.</summary>
    public KeyspaceEvents Flags { get; set; }

    /// <summary>Whether events of <paramref name="type"/> are raised at all (checked before any work).</summary>
    public bool Wants(KeyspaceEvents type) => (Flags & type) != 0;

    /// <summary>Publishes <paramref name="eventName"/> for <paramref name="key"/> on the keyspace and keyevent channels enabled.</summary>
    public void Raise(KeyspaceEvents type, ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> key)
    {
        var flags = Flags;
        if ((flags & type) == 0)
        {
            return;
        }

        if ((flags & KeyspaceEvents.Keyspace) != 0)
        {
            server.PubSub.Publish(Channel(KeyspacePrefix, key), eventName);
        }

        if ((flags & KeyspaceEvents.Keyevent) != 0)
        {
            server.PubSub.Publish(Channel(KeyeventPrefix, eventName), key);
        }
    }

    public void OnEntryChanged(in EntryChange change)
    {
        if (Flags == KeyspaceEvents.None)
        {
            return;
        }

        switch (change.Kind)
        {
            case EntryChangeKind.Written when change.Before == EntryVersion.None && change.After != EntryVersion.None:
                Raise(KeyspaceEvents.New, "new"u8, change.Key);
                break;
            case EntryChangeKind.Expired:
                Raise(KeyspaceEvents.Expired, "expired"u8, change.Key);
                break;
            case EntryChangeKind.Evicted:
                Raise(KeyspaceEvents.Evicted, "evicted"u8, change.Key);
                break;
        }
    }

    private ReadOnlySpan<byte> Channel(byte[] prefix, ReadOnlySpan<byte> suffix)
    {
        var length = prefix.Length + suffix.Length;
        if (_channel.Length < length)
        {
            _channel = new byte[Math.Max(length, _channel.Length * 2)];
        }

        prefix.CopyTo(_channel, 0);
        suffix.CopyTo(_channel.AsSpan(prefix.Length));
        return _channel.AsSpan(0, length);
    }
}
