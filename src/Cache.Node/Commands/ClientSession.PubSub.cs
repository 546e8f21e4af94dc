using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// Pub/sub on one connection: its channel, pattern and shard-channel subscriptions, the RESP2
/// subscriber mode they put it in, and its <see cref="Pushes"/>: messages other connections
/// publish wait there until this connection's loop writes them, in order with its replies.
/// </summary>
internal sealed partial class ClientSession
{
    private readonly HashSet<byte[]>[] _subscriptions = [new(ChannelComparer.Instance), new(ChannelComparer.Instance), new(ChannelComparer.Instance)];

    /// <summary>Pushes waiting to be written to this connection (messages, later invalidations).</summary>
    public PushQueue Pushes { get; } = new();

    /// <summary>Channels plus patterns: the count SUBSCRIBE, PSUBSCRIBE and their UN- forms reply with.</summary>
    public int SubscriptionCount => _subscriptions[(int)PubSubKind.Channel].Count + _subscriptions[(int)PubSubKind.Pattern].Count;

    /// <summary>Shard channels: the count SSUBSCRIBE and SUNSUBSCRIBE reply with.</summary>
    public int ShardSubscriptionCount => _subscriptions[(int)PubSubKind.Shard].Count;

    /// <summary>Whether the user no longer may hold one of this connection's subscriptions (Redis then disconnects it).</summary>
    public bool LostChannelAccess()
    {
        var user = Connection.User;
        if (user.Unrestricted || !IsSubscriber)
        {
            return false;
        }

        for (var kind = 0; kind < _subscriptions.Length; kind++)
        {
            foreach (var channel in _subscriptions[kind])
            {
                var pattern = kind == (int)PubSubKind.Pattern;
                if (!user.Root.ChannelAllowed(channel, pattern) && !user.Selectors.Exists(s => s.ChannelAllowed(channel, pattern)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Subscriptions of one kind (CLIENT LIST's sub, psub and ssub).</summary>
    public int SubscriptionsOf(PubSubKind kind) => _subscriptions[(int)kind].Count;

    /// <summary>Subscribed to anything: in RESP2 only the subscriber-mode commands are allowed.</summary>
    public bool IsSubscriber => SubscriptionCount + ShardSubscriptionCount > 0;

    /// <summary>Moves the waiting pushes into the reply stream (before a command runs, so order is kept).</summary>
    public void WritePendingPushes()
    {
        if (Pushes.HasPending)
        {
            Pushes.DrainTo(Reply);
        }
    }

    /// <summary>Raises a keyspace notification for a change this command made (a no-op unless notify-keyspace-events enables it).</summary>
    public void Notify(KeyspaceEvents type, ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> key) => Server.Notifications.Raise(type, eventName, key);

    /// <summary>Subscribes to <paramref name="name"/>, replying ["subscribe"|..., name, count].</summary>
    public void Subscribe(PubSubKind kind, ReadOnlySpan<byte> name)
    {
        var set = _subscriptions[(int)kind];
        if (!set.GetAlternateLookup<ReadOnlySpan<byte>>().Contains(name))
        {
            var key = name.ToArray();
            set.Add(key);
            Server.PubSub.Add(kind, key, this);
        }

        WriteSubscription(kind, subscribe: true, name, isNull: false);
    }

    /// <summary>Unsubscribes from <paramref name="name"/> (replying even when it was not subscribed).</summary>
    public void Unsubscribe(PubSubKind kind, ReadOnlySpan<byte> name, bool reply = true)
    {
        var set = _subscriptions[(int)kind];
        if (set.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(name, out var key))
        {
            set.Remove(key);
            Server.PubSub.Remove(kind, key, this);
        }

        if (reply)
        {
            WriteSubscription(kind, subscribe: false, name, isNull: false);
        }
    }

    /// <summary>Unsubscribes from every subscription of <paramref name="kind"/>; with none, replies once with a null name, as Redis.</summary>
    public void UnsubscribeAll(PubSubKind kind, bool reply = true)
    {
        var set = _subscriptions[(int)kind];
        if (set.Count == 0)
        {
            if (reply)
            {
                WriteSubscription(kind, subscribe: false, default, isNull: true);
            }

            return;
        }

        foreach (var key in set.ToArray())
        {
            set.Remove(key);
            Server.PubSub.Remove(kind, key, this);
            if (reply)
            {
                WriteSubscription(kind, subscribe: false, key, isNull: false);
            }
        }
    }

    /// <summary>Leaves every subscription without a reply (RESET, the connection closing).</summary>
    public void LeavePubSub()
    {
        UnsubscribeAll(PubSubKind.Channel, reply: false);
        UnsubscribeAll(PubSubKind.Pattern, reply: false);
        UnsubscribeAll(PubSubKind.Shard, reply: false);
    }

    private void WriteSubscription(PubSubKind kind, bool subscribe, ReadOnlySpan<byte> name, bool isNull)
    {
        if (Connection.ReplyMode != ClientReplyMode.On)
        {
            // As Redis: CLIENT REPLY OFF/SKIP drops replies, not pushes; this one goes out through the push queue.
            var scratch = new System.Buffers.ArrayBufferWriter<byte>();
            WriteSubscription(new ReplyWriter(scratch) { Protocol = Reply.Protocol }, kind, subscribe, name, isNull);
            Pushes.Enqueue(scratch.WrittenSpan, Server.OutputLimits.PubSub, Keys.NowMs);
            return;
        }

        WriteSubscription(Reply, kind, subscribe, name, isNull);
    }

    private void WriteSubscription(ReplyWriter reply, PubSubKind kind, bool subscribe, ReadOnlySpan<byte> name, bool isNull)
    {
        PubSubRegistry.PushHeader(reply, 3);
        reply.Bulk((kind, subscribe) switch
        {
            (PubSubKind.Channel, true) => "subscribe"u8,
            (PubSubKind.Channel, false) => "unsubscribe"u8,
            (PubSubKind.Pattern, true) => "psubscribe"u8,
            (PubSubKind.Pattern, false) => "punsubscribe"u8,
            (_, true) => "ssubscribe"u8,
            _ => "sunsubscribe"u8,
        });
        if (isNull)
        {
            reply.Null();
        }
        else
        {
            reply.Bulk(name);
        }

        reply.Integer(kind == PubSubKind.Shard ? ShardSubscriptionCount : SubscriptionCount);
    }
}
