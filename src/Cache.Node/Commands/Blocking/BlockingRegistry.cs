using System.Runtime.CompilerServices;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// The clients blocked on keys (BLPOP, BZPOPMIN, ...): which clients wait on which key, first
/// come first served, and when each times out. It observes every entry change: a key with
/// waiters that is written (by a command, an EXEC or a peer's replicated entry) is queued as
/// ready, and <see cref="ServeReady"/>, called after the command, EXEC or replication batch that
/// changed it, re-runs the waiters' commands on it in the order they blocked, as Redis'
/// handleClientsBlockedOnKeys does. Never from inside the observer call: a MULTI that pushes and
/// deletes wakes nobody. Everything but the counters runs under the key space gate.
/// </summary>
internal sealed class BlockingRegistry : IEntryObserver
{
    private static readonly Task<byte[]> NullArray2 = Task.FromResult("*-1\r\n"u8.ToArray());
    private static readonly Task<byte[]> NullArray3 = Task.FromResult("_\r\n"u8.ToArray());
    private static readonly Task<byte[]> UnblockedError = Task.FromResult("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"u8.ToArray());

    private readonly KeySpace _keys;
    private readonly ByteKeyTable<List<BlockedClient>> _waiting = new();
    private readonly ByteKeyTable<bool> _readySet = new();
    private readonly PriorityQueue<(BlockedClient Client, int Generation), long> _timeouts = new();
    private readonly ITimer _timer;
    private List<byte[]> _ready = [];
    private List<byte[]> _serving = [];
    private long _timerDueMs = long.MaxValue;
    private int _blocked;
    private int _timed;
    private int _lateServeQueued;

    public BlockingRegistry(KeySpace keys, TimeProvider time)
    {
        _keys = keys;
        _timer = time.CreateTimer(static state => ((BlockingRegistry)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        keys.Observe(this);
    }

    /// <summary>Clients blocked now (INFO's blocked_clients), forwarded blocks included.</summary>
    public int BlockedCount => Volatile.Read(ref _blocked);

    /// <summary>Blocked clients with a timeout (INFO's clients_in_timeout_table).</summary>
    public int TimedCount => Volatile.Read(ref _timed);

    /// <summary>Keys with at least one waiter.</summary>
    public int KeyCount => _waiting.Count;

    /// <summary>The null array a timed-out client gets, in its protocol.</summary>
    public static Task<byte[]> TimedOutReply(ClientSession client) => client.Reply.IsResp3 ? NullArray3 : NullArray2;

    /// <summary>Registers a block <see cref="BlockedClient.Begin"/> started. Under the gate.</summary>
    public void Add(BlockedClient client)
    {
        foreach (var key in client.Keys)
        {
            ref var list = ref _waiting.GetOrAdd(key, out var added);
            if (added)
            {
                list = [];
            }

            list.Add(client);
        }

        Interlocked.Increment(ref _blocked);
        if (client.DeadlineMs != 0)
        {
            Interlocked.Increment(ref _timed);
            _timeouts.Enqueue((client, client.Generation), client.DeadlineMs);
            if (_timeouts.Count > 64 && _timeouts.Count > 4 * _timed)
            {
                DropEndedTimeouts();
            }

            Schedule(client.DeadlineMs);
        }
    }

    /// <summary>Ends a block with <paramref name="reply"/> (null: the client went away). Under the gate unless the block has no keys.</summary>
    public bool Finish(BlockedClient client, Task<byte[]>? reply)
    {
        if (!client.IsBlocked)
        {
            return false;
        }

        foreach (var key in client.Keys)
        {
            ref var list = ref _waiting.Find(key);
            if (!Unsafe.IsNullRef(ref list))
            {
                list.Remove(client);
                if (list.Count == 0)
                {
                    _waiting.Remove(key);
                }
            }
        }

        var timed = client.DeadlineMs != 0;
        if (!client.TryComplete(reply))
        {
            return false;
        }

        Interlocked.Decrement(ref _blocked);
        if (timed)
        {
            Interlocked.Decrement(ref _timed);
        }

        return true;
    }

    /// <summary>The client's connection closed: its wait ends and its registration goes. Under the gate.</summary>
    public void Abort(BlockedClient client)
    {
        client.Cancel?.Invoke();
        Finish(client, null);
    }

    /// <summary>CLIENT UNBLOCK: answers as a timeout, or with the UNBLOCKED error. Under the gate.</summary>
    public bool Unblock(BlockedClient client, bool error)
    {
        client.Cancel?.Invoke();
        return Finish(client, error ? UnblockedError : TimedOutReply(client.Session));
    }

    public void OnEntryChanged(in EntryChange change)
    {
        // A delete (or FLUSHALL) wakes too: XREADGROUP's waiters are answered UNBLOCKED when their
        // stream goes; the other waiters find nothing and keep waiting.
        if (_waiting.Count == 0 || change.Kind is not (EntryChangeKind.Written or EntryChangeKind.Merged or EntryChangeKind.Deleted or EntryChangeKind.Flushed))
        {
            return;
        }

        if (change.Kind == EntryChangeKind.Flushed)
        {
            for (var i = 0; i < _waiting.EntryLimit; i++)
            {
                if (_waiting.IsOccupied(i))
                {
                    MarkReady(_waiting.KeyAt(i));
                }
            }

            return;
        }

        if (_waiting.IndexOf(change.Key) >= 0)
        {
            MarkReady(change.Key);
        }
    }

    private void MarkReady(ReadOnlySpan<byte> key)
    {
        _readySet.GetOrAdd(key, out var added);
        if (!added)
        {
            return;
        }

        _ready.Add(key.ToArray());

        // A change made outside a client's command (a background sync or hand-off) is served by
        // a work item; after a command the connection loop has served it first.
        if (Interlocked.Exchange(ref _lateServeQueued, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static registry => registry.ServeLate(), this, preferLocal: false);
        }
    }

    /// <summary>Serves the waiters of every key made ready since the last call, in the order the keys became ready. Under the gate.</summary>
    public void ServeReady()
    {
        while (_ready.Count > 0)
        {
            (_serving, _ready) = (_ready, _serving);
            _readySet.Clear();
            foreach (var key in _serving)
            {
                ServeKey(key);
            }

            _serving.Clear();
        }
    }

    private void ServeKey(byte[] key)
    {
        ref var list = ref _waiting.Find(key);
        if (Unsafe.IsNullRef(ref list))
        {
            return;
        }

        // Serving changes the lists (a served client leaves every key it waited on, a BLMOVE
        // wakes another key's waiters): walk a copy, oldest first.
        var waiters = list.ToArray();
        foreach (var client in waiters)
        {
            if (client.IsBlocked && client.Session.ServeBlocked(client, key) is { } reply)
            {
                Finish(client, reply);
            }
        }
    }

    private void ServeLate()
    {
        using (_keys.Enter())
        {
            Volatile.Write(ref _lateServeQueued, 0);
            ServeReady();
        }
    }

    private void Schedule(long deadlineMs)
    {
        if (deadlineMs >= _timerDueMs)
        {
            return;
        }

        _timerDueMs = deadlineMs;
        var due = Math.Max(0, deadlineMs - _keys.NowMs);
        _timer.Change(TimeSpan.FromMilliseconds(due), Timeout.InfiniteTimeSpan);
    }

    // Blocks served long before their timeout leave their entries behind: keep the queue near the live count.
    private void DropEndedTimeouts()
    {
        var live = new List<((BlockedClient, int), long)>(_timed);
        foreach (var (item, deadline) in _timeouts.UnorderedItems)
        {
            if (item.Client.Generation == item.Generation && item.Client.IsBlocked)
            {
                live.Add((item, deadline));
            }
        }

        _timeouts.Clear();
        _timeouts.EnqueueRange(live);
    }

    private void OnTimer()
    {
        using (_keys.Enter())
        {
            _timerDueMs = long.MaxValue;
            var now = _keys.NowMs;
            while (_timeouts.TryPeek(out var item, out var deadline) && deadline <= now)
            {
                _timeouts.Dequeue();
                if (item.Client.Generation == item.Generation)
                {
                    Finish(item.Client, TimedOutReply(item.Client.Session));
                }
            }

            // Entries of blocks that ended earlier are dropped as they come due.
            if (_timeouts.TryPeek(out _, out var next))
            {
                Schedule(next);
            }
        }
    }
}
