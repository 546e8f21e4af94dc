using System.Buffers;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// Client-side caching (CLIENT TRACKING), as Redis 7.0's tracking.c: in the default mode the keys
/// each client read (per key, the ids of the clients that may cache it, bounded by
/// tracking-table-max-keys), in BCAST mode the prefixes clients registered. Every change the
/// engine reports to its observers invalidates: a client's write, an expiry, an eviction, and a
/// peer's state merged here (replication, repair, hand-off). Invalidations are pushes in the
/// target's <see cref="ClientSession.Pushes"/>, so a client's own ones follow its reply.
/// Used under the key-space lock only. The tracker observes the key space only while a client
/// tracks or a key is remembered: with no tracking, a write pays nothing for it.
/// </summary>
internal sealed class ClientTracker : IEntryObserver
{
    private static readonly byte[] ChannelName = "__redis__:invalidate"u8.ToArray();
    private readonly CacheServer _server;
    private readonly Dictionary<byte[], HashSet<long>> _keys = new(ChannelComparer.Instance);
    private readonly SortedDictionary<byte[], BroadcastPrefix> _prefixes = new(ByteOrder.Instance);
    private readonly HashSet<ClientSession> _clients = [];
    private readonly ArrayBufferWriter<byte> _buffer = new();
    private readonly ReplyWriter _writer;
    private readonly List<byte[]> _batch = [];
    private long _items;
    private bool _observing;
    private bool _broadcastPending;
    private int _depth;

    public ClientTracker(CacheServer server)
    {
        _server = server;
        _writer = new ReplyWriter(_buffer);
    }

    /// <summary>tracking-table-max-keys: past it, remembered keys are dropped with an invalidation (0: no bound).</summary>
    public long MaxKeys { get; set; } = 1_000_000;

    /// <summary>The client whose command runs now (null between commands and for the node's own work).</summary>
    public ClientSession? Current { get; private set; }

    /// <summary>Clients with tracking on (INFO tracking_clients).</summary>
    public int ClientCount => _clients.Count;

    /// <summary>Keys remembered (INFO tracking_total_keys).</summary>
    public int KeyCount => _keys.Count;

    /// <summary>(key, client) pairs remembered (INFO tracking_total_items).</summary>
    public long ItemCount => _items;

    /// <summary>BCAST prefixes registered (INFO tracking_total_prefixes).</summary>
    public int PrefixCount => _prefixes.Count;

    /// <summary>Whether the tracker is among the key space's observers (only while a client tracks or a key is remembered).</summary>
    public bool IsObserving => _observing;

    /// <summary>True when more keys are remembered than tracking-table-max-keys allows.</summary>
    public bool OverLimit => MaxKeys != 0 && _keys.Count > MaxKeys;

    /// <summary>Marks <paramref name="session"/>'s command as running; returns what to give <see cref="Leave"/>.</summary>
    public ClientSession? Enter(ClientSession session)
    {
        var previous = Current;
        Current = session;
        _depth++;
        return previous;
    }

    /// <summary>The command ended; at the outermost one, the BCAST invalidations it caused go out, one per prefix.</summary>
    public void Leave(ClientSession? previous)
    {
        Current = previous;
        if (--_depth == 0 && _broadcastPending)
        {
            Broadcast();
        }
    }

    /// <summary>CLIENT TRACKING ON (options already checked): the client's mode, redirection and prefixes.</summary>
    public void Enable(ClientSession client, long redirect, TrackingModes options, List<byte[]> prefixes)
    {
        if ((client.TrackingMode & TrackingModes.On) == 0)
        {
            _clients.Add(client);
        }

        var kept = client.TrackingMode & TrackingModes.Caching;
        client.TrackingMode = TrackingModes.On | kept | (options & (TrackingModes.Broadcast | TrackingModes.OptIn | TrackingModes.OptOut | TrackingModes.NoLoop));
        client.TrackingRedirect = redirect;
        if ((options & TrackingModes.Broadcast) != 0)
        {
            if (prefixes.Count == 0)
            {
                AddPrefix(client, []);
            }

            foreach (var prefix in prefixes)
            {
                AddPrefix(client, prefix);
            }
        }

        UpdateObserving();
    }

    /// <summary>CLIENT TRACKING OFF, RESET, or the connection closing. Remembered keys stay until they change, as in Redis.</summary>
    public void Disable(ClientSession client)
    {
        if (client.TrackingPrefixes is { } prefixes)
        {
            foreach (var prefix in prefixes)
            {
                if (_prefixes.TryGetValue(prefix, out var state) && state.Clients.Remove(client) && state.Clients.Count == 0)
                {
                    _prefixes.Remove(prefix);
                }
            }

            client.TrackingPrefixes = null;
        }

        if ((client.TrackingMode & TrackingModes.On) != 0)
        {
            _clients.Remove(client);
            client.TrackingMode = TrackingModes.None;
        }

        UpdateObserving();
    }

    /// <summary>
    /// Remembers the keys of a read-only command the client ran (Redis' trackingRememberKeys),
    /// unless OPTIN without CLIENT CACHING YES, or OPTOUT with CLIENT CACHING NO.
    /// </summary>
    public void Remember(ClientSession client, CommandDefinition command, in RespRequest request)
    {
        if (!Caches(client) || command.HasFlag(CommandFlags.PubSub))
        {
            return;
        }

        Span<int> positions = stackalloc int[16];
        var count = command.Keys.GetKeyPositions(request, positions);
        if (count > positions.Length)
        {
            positions = new int[count];
            count = command.Keys.GetKeyPositions(request, positions);
        }

        for (var i = 0; i < count; i++)
        {
            RememberKey(client.Connection.Id, request[positions[i]]);
        }
    }

    /// <summary>A script that ran a read-only command: its declared keys, as Redis tracks them for the script's caller.</summary>
    public void RememberRange(ClientSession client, in RespRequest request, int first, int count)
    {
        if (!Caches(client))
        {
            return;
        }

        for (var i = first; i < first + count && i < request.Count; i++)
        {
            RememberKey(client.Connection.Id, request[i]);
        }
    }

    /// <summary>Drops remembered keys past tracking-table-max-keys, oldest first, invalidating each (Redis' trackingLimitUsedSlots).</summary>
    public void LimitKeys()
    {
        if (!OverLimit)
        {
            return;
        }

        var excess = (int)(_keys.Count - MaxKeys);
        var victims = new List<byte[]>(excess);
        foreach (var key in _keys.Keys)
        {
            if (victims.Count == excess)
            {
                break;
            }

            victims.Add(key);
        }

        foreach (var key in victims)
        {
            Invalidate(key, null);
        }
    }

    public void OnEntryChanged(in EntryChange change)
    {
        switch (change.Kind)
        {
            case EntryChangeKind.Reclaimed:
                return;
            case EntryChangeKind.Flushed:
                InvalidateAll();
                return;
            case EntryChangeKind.Expired or EntryChangeKind.Evicted:
                // As Redis, the engine's own deletes have no author: NOLOOP does not hide them in BCAST.
                RememberBroadcast(change.Key, null);
                Invalidate(change.Key, Current);
                return;
            default:
                RememberBroadcast(change.Key, Current);
                Invalidate(change.Key, Current);
                return;
        }
    }

    private static bool Caches(ClientSession client)
    {
        var mode = client.TrackingMode;
        var caching = (mode & TrackingModes.Caching) != 0;
        return !((mode & TrackingModes.OptIn) != 0 && !caching) && !((mode & TrackingModes.OptOut) != 0 && caching);
    }

    private void RememberKey(long id, ReadOnlySpan<byte> key)
    {
        var lookup = _keys.GetAlternateLookup<ReadOnlySpan<byte>>();
        if (!lookup.TryGetValue(key, out var ids))
        {
            ids = [];
            lookup[key] = ids;
        }

        if (ids.Add(id))
        {
            _items++;
        }

        UpdateObserving();
    }

    private void AddPrefix(ClientSession client, byte[] prefix)
    {
        client.TrackingPrefixes ??= new SortedSet<byte[]>(ByteOrder.Instance);
        if (!client.TrackingPrefixes.Add(prefix))
        {
            return;
        }

        if (!_prefixes.TryGetValue(prefix, out var state))
        {
            state = new BroadcastPrefix();
            _prefixes[prefix] = state;
        }

        state.Clients.Add(client);
    }

    // The default mode: every client that read the key (and still tracks, not in BCAST) hears of it once; the key is forgotten.
    private void Invalidate(ReadOnlySpan<byte> key, ClientSession? current)
    {
        if (_keys.Count == 0 || !_keys.GetAlternateLookup<ReadOnlySpan<byte>>().Remove(key, out _, out var ids))
        {
            return;
        }

        _items -= ids.Count;
        foreach (var id in ids)
        {
            if (!_server.Clients.TryGetValue(id, out var target)
                || (target.TrackingMode & (TrackingModes.On | TrackingModes.Broadcast)) != TrackingModes.On
                || ((target.TrackingMode & TrackingModes.NoLoop) != 0 && target == current))
            {
                continue;
            }

            Send(target, Payload.Key, key, null);
        }

        UpdateObserving();
    }

    private void RememberBroadcast(ReadOnlySpan<byte> key, ClientSession? author)
    {
        if (_prefixes.Count == 0)
        {
            return;
        }

        foreach (var (prefix, state) in _prefixes)
        {
            if (key.StartsWith(prefix))
            {
                state.Pending.GetAlternateLookup<ReadOnlySpan<byte>>()[key] = author;
                _broadcastPending = true;
            }
        }

        if (_depth == 0 && _broadcastPending)
        {
            Broadcast();
        }
    }

    // Redis' trackingBroadcastInvalidationMessages: per prefix, the keys changed, to each of its clients (less a NOLOOP client's own).
    private void Broadcast()
    {
        _broadcastPending = false;
        foreach (var state in _prefixes.Values)
        {
            if (state.Pending.Count == 0)
            {
                continue;
            }

            foreach (var client in state.Clients)
            {
                var noLoop = (client.TrackingMode & TrackingModes.NoLoop) != 0;
                _batch.Clear();
                foreach (var (key, author) in state.Pending)
                {
                    if (!noLoop || author != client)
                    {
                        _batch.Add(key);
                    }
                }

                if (_batch.Count > 0)
                {
                    _batch.Sort(ByteOrder.Instance);
                    Send(client, Payload.Keys, default, _batch);
                }
            }

            state.Pending.Clear();
        }
    }

    // FLUSHALL/FLUSHDB: every tracking client hears a null, and the remembered keys go.
    private void InvalidateAll()
    {
        foreach (var client in _clients)
        {
            Send(client, Payload.Null, default, null);
        }

        _keys.Clear();
        _items = 0;
        UpdateObserving();
    }

    // Redis' sendTrackingMessage: to the client, or to its REDIRECT client (a RESP3 push, or in
    // RESP2 a message on __redis__:invalidate when it is subscribed); a gone redirect is reported.
    private void Send(ClientSession target, Payload payload, ReadOnlySpan<byte> key, List<byte[]>? keys)
    {
        var destination = target;
        var redirected = false;
        _buffer.ResetWrittenCount();
        if (target.TrackingRedirect != 0)
        {
            if (!_server.Clients.TryGetValue(target.TrackingRedirect, out var redirect))
            {
                target.TrackingMode |= TrackingModes.BrokenRedirect;
                if (target.Reply.IsResp3)
                {
                    _writer.Protocol = 3;
                    PubSubRegistry.PushHeader(_writer, 2);
                    _writer.Bulk("tracking-redir-broken"u8);
                    _writer.Integer(target.TrackingRedirect);
                    Enqueue(target);
                }

                return;
            }

            destination = redirect;
            redirected = true;
        }

        if (destination.Reply.IsResp3)
        {
            _writer.Protocol = 3;
            PubSubRegistry.PushHeader(_writer, 2);
            _writer.Bulk("invalidate"u8);
        }
        else if (redirected && destination.IsSubscriber)
        {
            _writer.Protocol = 2;
            _writer.ArrayHeader(3);
            _writer.Bulk("message"u8);
            _writer.Bulk(ChannelName);
        }
        else
        {
            // RESP2 without redirection has no way to push: nothing is sent, as in Redis.
            return;
        }

        switch (payload)
        {
            case Payload.Null:
                // Redis writes the null of the tracking client's own protocol.
                _writer.WriteRaw(target.Reply.IsResp3 ? "_\r\n"u8 : "$-1\r\n"u8);
                break;
            case Payload.Key:
                _writer.ArrayHeader(1);
                _writer.Bulk(key);
                break;
            default:
                _writer.ArrayHeader(keys!.Count);
                foreach (var k in keys)
                {
                    _writer.Bulk(k);
                }

                break;
        }

        Enqueue(destination);
    }

    // Bounded as pub/sub output is: a client that never reads its invalidations is dropped, never grows without end.
    private void Enqueue(ClientSession destination) =>
        destination.Pushes.Enqueue(_buffer.WrittenSpan, _server.OutputLimits.PubSub, _server.Keys.NowMs);

    private void UpdateObserving()
    {
        var needed = _clients.Count > 0 || _keys.Count > 0;
        if (needed == _observing)
        {
            return;
        }

        _observing = needed;
        if (needed)
        {
            _server.Keys.Observe(this);
        }
        else
        {
            _server.Keys.StopObserving(this);
        }
    }

    private enum Payload
    {
        Key,
        Keys,
        Null,
    }
}
