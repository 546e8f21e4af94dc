using System.Buffers;
using Cache.Node.Commands;
using Cache.Node.Configuration;
using Cache.Node.Storage;

namespace Cache.Node.Tests.Cluster.Simulation;

/// <summary>
/// One node of the replica simulation: its key space, and a shadow of every entry delivered to
/// it since it last started empty (the model the key space is checked against).
/// </summary>
internal sealed class SimReplica
{
    /// <summary>Far beyond any simulated history: tombstones outlive the faults.</summary>
    public const long TombstoneHorizonMs = 24 * 3600 * 1000;

    private readonly TimeProvider _time;

    public SimReplica(string id, ushort versionId, TimeProvider time)
    {
        Id = id;
        VersionId = versionId;
        _time = time;
        (Keys, Session) = NewServer();
    }

    public string Id { get; }

    public ushort VersionId { get; }

    public KeySpace Keys { get; private set; }

    /// <summary>A client of the node's own server: collection commands run through their handlers, and deltas are re-run, as on a server.</summary>
    public ClientSession Session { get; private set; }

    /// <summary>Where <see cref="Session"/>'s replies go.</summary>
    public ArrayBufferWriter<byte> Output { get; } = new();

    /// <summary>Per key, the highest-versioned entry delivered here (by version only, not by <see cref="EntryMerge"/>).</summary>
    public Dictionary<string, ReplicatedEntry> Shadow { get; } = new(StringComparer.Ordinal);

    /// <summary>Per key, the highest version this node handed to the slot's owners and dropped (it no longer holds it).</summary>
    public Dictionary<string, EntryVersion> HandedOff { get; } = new(StringComparer.Ordinal);

    /// <summary>Bumped on every empty restart: messages and replies for an earlier life are lost.</summary>
    public int Incarnation { get; private set; }

    public bool Down { get; set; }

    public bool Paused { get; set; }

    /// <summary>Deliveries that reached the node while it was paused, run when it resumes.</summary>
    public List<Action> Held { get; } = [];

    public bool RoundInFlight { get; set; }

    /// <summary>The last ring this node acted on (its hand-off plans from there to the current one).</summary>
    public Cache.Gossip.Ring.SlotMap? SeenRing { get; set; }

    public bool CanAct => !Down && !Paused;

    public void Observe(string key, in ReplicatedEntry entry)
    {
        if (!Shadow.TryGetValue(key, out var current) || entry.Version > current.Version)
        {
            Shadow[key] = entry;
        }
    }

    /// <summary>The node dropped its copy of <paramref name="key"/> after every owner took it.</summary>
    public void Dropped(string key, EntryVersion version)
    {
        if (Shadow.TryGetValue(key, out var held) && held.Version == version)
        {
            Shadow.Remove(key);
        }

        if (!HandedOff.TryGetValue(key, out var before) || version > before)
        {
            HandedOff[key] = version;
        }
    }

    /// <summary>A restart with nothing in memory.</summary>
    public void Wipe()
    {
        (Keys, Session) = NewServer();
        Shadow.Clear();
        HandedOff.Clear();
        Incarnation++;
        RoundInFlight = false;
    }

    // n1 and n3 list a slot's keys through the hash-slot index (as a server does), the others walk
    // the whole table: both kinds of export meet in the exchanges.
    // Collections turn large after a few elements, so deltas meet both encodings.
    private (KeySpace, ClientSession) NewServer()
    {
        var server = new CacheServer(NodeSettings.From(new NodeOptions()), _time);
        var keys = server.Keys;
        (keys.NodeId, keys.TombstoneHorizonMs) = (VersionId, TombstoneHorizonMs);
        (keys.Limits.SetMaxListpackEntries, keys.Limits.SetMaxIntsetEntries, keys.Limits.ZSetMaxListpackEntries) = (3, 3, 3);
        keys.Limits.ListMaxListpackSize = 2;
        if (VersionId % 2 == 0)
        {
            keys.EnableSlotIndex();
        }

        return (keys, new ClientSession(server, Output, $"sim:{Id}", "sim:server", isLoopback: true));
    }

    public override string ToString() => Id;
}
