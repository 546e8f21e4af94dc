using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cache.Node.Commands;

/// <summary>
/// This node's Redis replication role: a master (the default), or, after REPLICAOF host port, a
/// replica of a Redis master whose data it loads and whose command stream it applies (see
/// <see cref="MasterLink"/>). Also the replica rules Redis enforces with it (replica-read-only,
/// replica-serve-stale-data, min-replicas-to-write). State changes happen under the key-space gate.
/// </summary>
internal sealed class ReplicaRole(CacheServer server)
{
    private MasterLink? _link;

    /// <summary>The master's host while a replica, else null.</summary>
    public string? MasterHost { get; private set; }

    public int MasterPort { get; private set; }

    /// <summary>True while a replica (REPLICAOF host port, until REPLICAOF NO ONE).</summary>
    public bool IsReplica => MasterHost is not null;

    /// <summary>The link's state; <see cref="MasterLinkState.None"/> while a master.</summary>
    public MasterLinkState State { get; internal set; }

    /// <summary>True while the command stream is being applied (INFO's master_link_status:up).</summary>
    public bool LinkUp => State == MasterLinkState.Connected;

    /// <summary>Bytes of the master's stream applied, from the offset its FULLRESYNC gave (slave_repl_offset).</summary>
    public long Offset { get; internal set; }

    /// <summary>Unix ms of the last bytes read from the master, 0 before any.</summary>
    public long LastIoMs { get; internal set; }

    /// <summary>Unix ms the link went down (or the node became a replica), 0 if it was never up.</summary>
    public long DownSinceMs { get; internal set; }

    /// <summary>Bytes of the RDB payload announced and read so far, while <see cref="MasterLinkState.Transfer"/>.</summary>
    public long SyncTotalBytes { get; internal set; } = -1;

    public long SyncReadBytes { get; internal set; }

    /// <summary>replica-read-only: client writes are refused while a replica.</summary>
    public bool ReadOnly { get; set; } = true;

    /// <summary>replica-serve-stale-data: with no, most commands are refused while the link is down.</summary>
    public bool ServeStaleData { get; set; } = true;

    /// <summary>min-replicas-to-write: writes need this many good replicas (0: off).</summary>
    public int MinReplicasToWrite { get; set; }

    /// <summary>min-replicas-max-lag, in seconds: a replica is good if it acknowledged within this.</summary>
    public int MinReplicasMaxLag { get; set; } = 10;

    /// <summary>Where the link logs; the composition root sets the node's logger.</summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>The port REPLCONF listening-port announces (the node's bound port).</summary>
    public int ListeningPort => server.BoundPort;

    /// <summary>
    /// REPLICAOF host port: drops the replicas attached here (their stream ends, as Redis disconnects
    /// its replicas), then connects to the master in the background. Call under the gate.
    /// </summary>
    public void Follow(string host, int port)
    {
        Stop();
        foreach (var replica in server.Feed.Replicas.ToArray())
        {
            replica.Close();
            server.Feed.Detach(replica);
        }

        MasterHost = host;
        MasterPort = port;
        State = MasterLinkState.Connect;
        Offset = 0;
        LastIoMs = 0;
        DownSinceMs = 0;
        var link = new MasterLink(server, this, host, port);
        Volatile.Write(ref _link, link);
        link.Start();
    }

    /// <summary>REPLICAOF NO ONE: back to a master; the data stays. Call under the gate.</summary>
    public void Stop()
    {
        _link?.Stop();
        _link = null;
        MasterHost = null;
        MasterPort = 0;
        State = MasterLinkState.None;
        SyncTotalBytes = -1;
        SyncReadBytes = 0;
    }

    /// <summary>The node stops: the link's loop and connection end; the role is left as it is.</summary>
    public void Shutdown() => Volatile.Read(ref _link)?.Stop();

    /// <summary>
    /// Redis' checkGoodReplicasStatus: false when min-replicas-to-write asks for more replicas,
    /// attached by SYNC/PSYNC, that acknowledged within min-replicas-max-lag than there are.
    /// </summary>
    public bool EnoughGoodReplicas()
    {
        if (IsReplica || MinReplicasToWrite == 0 || MinReplicasMaxLag == 0)
        {
            return true;
        }

        return GoodReplicas() >= MinReplicasToWrite;
    }

    /// <summary>Replicas whose last REPLCONF ACK (or attach) is within min-replicas-max-lag.</summary>
    public int GoodReplicas()
    {
        var now = server.Keys.NowMs;
        var good = 0;
        foreach (var replica in server.Feed.Replicas)
        {
            if (!replica.Closed && (now - replica.LastAckMs) / 1000 <= MinReplicasMaxLag)
            {
                good++;
            }
        }

        return good;
    }
}
