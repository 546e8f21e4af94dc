using System.Buffers;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// Who listens to what on this node: channel, pattern and shard-channel subscribers, and the
/// delivery of one published message to each of them. Used under the key-space lock only (every
/// command runs under it, and so do the peers' GOSSIPCACHE PUBLISH and keyspace notifications),
/// so it takes no lock of its own. A message is encoded once per protocol and copied into each
/// subscriber's <see cref="PushQueue"/>; the publisher never waits for a subscriber.
/// </summary>
internal sealed class PubSubRegistry
{
    private readonly Dictionary<byte[], HashSet<ClientSession>>[] _byKind =
    [
        new(ChannelComparer.Instance),
        new(ChannelComparer.Instance),
        new(ChannelComparer.Instance),
    ];

    private readonly ArrayBufferWriter<byte> _resp2 = new();
    private readonly ArrayBufferWriter<byte> _resp3 = new();
    private readonly ReplyWriter _writer2;
    private readonly ReplyWriter _writer3;
    private readonly Func<OutputBufferLimit> _limit;
    private readonly Func<long> _now;

    public PubSubRegistry(Func<OutputBufferLimit> limit, Func<long> nowMs)
    {
        _limit = limit;
        _now = nowMs;
        _writer2 = new ReplyWriter(_resp2) { Protocol = 2 };
        _writer3 = new ReplyWriter(_resp3) { Protocol = 3 };
    }

    /// <summary>True when nobody on this node listens to anything (PUBLISH then only fans out).</summary>
    public bool IsEmpty => _byKind[0].Count == 0 && _byKind[1].Count == 0 && _byKind[2].Count == 0;

    /// <summary>Distinct patterns subscribed to (PUBSUB NUMPAT).</summary>
    public int PatternCount => _byKind[(int)PubSubKind.Pattern].Count;

    /// <summary>Adds a subscriber; false when it already had this subscription.</summary>
    public bool Add(PubSubKind kind, byte[] name, ClientSession session)
    {
        var map = _byKind[(int)kind];
        if (!map.TryGetValue(name, out var set))
        {
            set = [];
            map[name] = set;
        }

        return set.Add(session);
    }

    /// <summary>Removes a subscriber; the name is forgotten with its last one.</summary>
    public void Remove(PubSubKind kind, byte[] name, ClientSession session)
    {
        var map = _byKind[(int)kind];
        if (map.TryGetValue(name, out var set) && set.Remove(session) && set.Count == 0)
        {
            map.Remove(name);
        }
    }

    /// <summary>Subscribers of a channel or shard channel (PUBSUB NUMSUB, SHARDNUMSUB).</summary>
    public int CountOf(PubSubKind kind, ReadOnlySpan<byte> name) =>
        _byKind[(int)kind].GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(name, out var set) ? set.Count : 0;

    /// <summary>Channels (or shard channels) with at least one subscriber, matching <paramref name="pattern"/> when given.</summary>
    public List<byte[]> Names(PubSubKind kind, ReadOnlySpan<byte> pattern, bool all)
    {
        var names = new List<byte[]>();
        foreach (var name in _byKind[(int)kind].Keys)
        {
            if (all || Glob.IsMatch(pattern, name))
            {
                names.Add(name);
            }
        }

        return names;
    }

    /// <summary>Delivers a PUBLISH to this node's channel and pattern subscribers; returns how many received it.</summary>
    public int Publish(ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message)
    {
        var receivers = 0;
        if (_byKind[(int)PubSubKind.Channel].GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(channel, out var subscribers))
        {
            Encode("message"u8, default, channel, message, withPattern: false);
            receivers += Deliver(subscribers);
        }

        var patterns = _byKind[(int)PubSubKind.Pattern];
        if (patterns.Count > 0)
        {
            foreach (var (pattern, set) in patterns)
            {
                if (Glob.IsMatch(pattern, channel))
                {
                    Encode("pmessage"u8, pattern, channel, message, withPattern: true);
                    receivers += Deliver(set);
                }
            }
        }

        return receivers;
    }

    /// <summary>Delivers an SPUBLISH to this node's subscribers of the shard channel.</summary>
    public int PublishShard(ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message)
    {
        if (!_byKind[(int)PubSubKind.Shard].GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(channel, out var subscribers))
        {
            return 0;
        }

        Encode("smessage"u8, default, channel, message, withPattern: false);
        return Deliver(subscribers);
    }

    /// <summary>Writes the header of an n-element push: a RESP3 push (<c>&gt;</c>), an array in RESP2.</summary>
    public static void PushHeader(ReplyWriter reply, int count)
    {
        if (reply.IsResp3)
        {
            Span<byte> header = [(byte)'>', (byte)('0' + count), (byte)'\r', (byte)'\n'];
            reply.WriteRaw(header);
        }
        else
        {
            reply.ArrayHeader(count);
        }
    }

    private void Encode(ReadOnlySpan<byte> kind, ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message, bool withPattern)
    {
        Encode(_resp2, _writer2, kind, pattern, channel, message, withPattern);
        Encode(_resp3, _writer3, kind, pattern, channel, message, withPattern);
    }

    private static void Encode(ArrayBufferWriter<byte> buffer, ReplyWriter writer, ReadOnlySpan<byte> kind, ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message, bool withPattern)
    {
        buffer.ResetWrittenCount();
        PushHeader(writer, withPattern ? 4 : 3);
        writer.Bulk(kind);
        if (withPattern)
        {
            writer.Bulk(pattern);
        }

        writer.Bulk(channel);
        writer.Bulk(message);
    }

    private int Deliver(HashSet<ClientSession> subscribers)
    {
        var limit = _limit();
        var now = _now();
        foreach (var subscriber in subscribers)
        {
            // As Redis: a subscriber counts as a receiver even when its buffer limit drops it.
            subscriber.Pushes.Enqueue(subscriber.Reply.IsResp3 ? _resp3.WrittenSpan : _resp2.WrittenSpan, limit, now);
        }

        return subscribers.Count;
    }
}
