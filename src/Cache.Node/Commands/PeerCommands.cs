using Cache.Gossip.Ring;
using Cache.Node.Cluster;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// GOSSIPCACHE: the node-to-node commands on the RESP port. HELLO and AUTH prove a connection is
/// a peer's (<see cref="PeerAuthentication"/>: then served locally, never forwarded, and the only
/// kind of connection the other commands run on), APPLY merges replicated entries, PULL exports the entries
/// of a set of slots for hand-off, ENTRY gives one key's version for quorum reads, PUBLISH and SPUBLISH deliver
/// a message published on another node to this node's subscribers, FUNCTIONS takes another node's
/// function libraries when newer, and TREE,
/// DIGESTS, LEAVES and FETCH walk the digest tree anti-entropy compares down to the entries that
/// differ. Entries merge by version, so repeats and reordering are harmless.
/// </summary>
internal static partial class PeerCommands
{
    // Every command but HELLO and AUTH is a peer's only (checked before it runs); none from scripts.
    private const CommandFlags PeerOnly = CommandFlags.Peer | CommandFlags.NoScript | CommandFlags.Stale;

    public static void Register(CommandTable table) =>
        table.Add(new CommandDefinition("gossipcache", -2, CommandFlags.None, null, "cluster", "Node-to-node commands of a GossipCache cluster.")
            .AddSubCommand(new("hello", 3, CommandFlags.NoAuth | CommandFlags.NoScript | CommandFlags.NoMulti | CommandFlags.Stale | CommandFlags.Fast, PeerAuthentication.Hello, "cluster", "Starts a peer's authentication: client-nonce (hex); answers this node's nonce and proof."))
            .AddSubCommand(new("auth", -4, CommandFlags.NoAuth | CommandFlags.NoScript | CommandFlags.NoMulti | CommandFlags.Stale | CommandFlags.Fast, PeerAuthentication.Auth, "cluster", "Proves this connection is a peer's: node-id proof (hex HMAC of the cluster secret over HELLO's nonce) [BLOCKING: a forwarded blocking command's own connection, which may block]."))
            .AddSubCommand(new("apply", -8, PeerOnly, Apply, "cluster", "Merges replicated entries: key clock node kind expires-at value ..."))
            .AddSubCommand(new("replicate", -9, PeerOnly, Replicate, "cluster", "Merges a primary's replicated write unless its deadline passed: deadline-ms key clock node kind expires-at value ..."))
            .AddSubCommand(new("handoff", -9, PeerOnly, HandOff, "cluster", "Merges entries handed on by a node that does not own them, if both rings agree: ring-hash key clock node kind expires-at value ..."))
            .AddSubCommand(new("entry", 3, PeerOnly | CommandFlags.ReadOnly | CommandFlags.Fast, Entry, "cluster", "A key's versioned state (tombstones included), for quorum reads."))
            .AddSubCommand(new("tree", 3, PeerOnly | CommandFlags.ReadOnly, Tree, "cluster", "The 128 segment digests of the slots a bitmap selects (8 bytes each, little-endian)."))
            .AddSubCommand(new("digests", 3, PeerOnly | CommandFlags.ReadOnly, Digests, "cluster", "The digest of each slot a bitmap selects, in slot order (8 bytes each, little-endian)."))
            .AddSubCommand(new("pull", 5, PeerOnly | CommandFlags.ReadOnly, Pull, "cluster", "Exports the entries of a set of slots: cursor count slot-bitmap."))
            .AddSubCommand(new("leaves", 5, PeerOnly | CommandFlags.ReadOnly, Leaves, "cluster", "The leaves (key, 8-byte entry hash) of a set of slots: cursor count slots."))
            .AddSubCommand(new("publish", 4, PeerOnly | CommandFlags.Fast, (c, in r) => c.Reply.Integer(c.Server.PubSub.Publish(r[2], r[3])), "cluster", "Delivers a message published on another node to this node's subscribers: channel message."))
            .AddSubCommand(new("spublish", 4, PeerOnly | CommandFlags.Fast, (c, in r) => c.Reply.Integer(c.Server.PubSub.PublishShard(r[2], r[3])), "cluster", "Delivers a shard message published on the channel's primary to this node's subscribers: channel message."))
            .AddSubCommand(new("functions", 4, PeerOnly, FunctionCommands.FromPeer, "cluster", "Takes another node's function libraries when newer: version payload (as FUNCTION DUMP)."))
            .AddSubCommand(new("acl", 4, PeerOnly, AclCommand.FromPeer, "cluster", "Takes another node's whole ACL when newer: version lines (as ACL LIST)."))
            .AddSubCommand(new("fetch", -3, PeerOnly | CommandFlags.ReadOnly, Fetch, "cluster", "The versioned entries of the keys named (those this node holds): [names answered, entries]."))
            .AddSubCommand(new("piece", 6, PeerOnly | CommandFlags.ReadOnly, Piece, "cluster", "A piece of a large value a page offered as a stub: key clock node offset."))
            .AddSubCommand(new("putpiece", 11, PeerOnly, PutPiece, "cluster", "A piece of a large pushed value, merged once whole: apply|ring-hash key clock node kind expires-at length offset bytes.")));

    private static void Apply(ClientSession client, in RespRequest request)
    {
        if ((request.Count - 2) % ReplicationCodec.ArgsPerEntry != 0)
        {
            client.Reply.Error("ERR wrong number of arguments for 'gossipcache|apply' command"u8);
            return;
        }

        ApplyFrom(client, request, 2);
    }

    // A primary's write, with the time (unix ms, the primary's clock) after which the primary no
    // longer counts this node's answer. Arriving later (held in a partition's TCP buffers, or by a
    // paused process) it is refused, not merged: the primary may have answered NOREPLICAS, and a
    // refused write must not land later over one the quorum acknowledged. Repair brings the
    // entries of writes that were acknowledged.
    private static void Replicate(ClientSession client, in RespRequest request)
    {
        if ((request.Count - 3) % ReplicationCodec.ArgsPerEntry != 0)
        {
            client.Reply.Error("ERR wrong number of arguments for 'gossipcache|replicate' command"u8);
            return;
        }

        if (!System.Buffers.Text.Utf8Parser.TryParse(request[2], out long deadline, out var used) || used != request[2].Length)
        {
            client.Reply.Error("ERR syntax error"u8);
            return;
        }

        if (client.Server.Time.GetUtcNow().ToUnixTimeMilliseconds() > deadline)
        {
            client.Server.Replication?.Stats.LateWriteRefusedOnce();
            client.Reply.Error("TIMEOUT the primary's deadline for this write passed; not applied"u8);
            return;
        }

        ApplyFrom(client, request, 3, deltas: true);
    }

    // The sender drops its copies once every owner took them, so an owner must agree it owns
    // them: a node whose ring differs (a change still spreading) refuses, and the sender retries.
    private static void HandOff(ClientSession client, in RespRequest request)
    {
        if ((request.Count - 3) % ReplicationCodec.ArgsPerEntry != 0)
        {
            client.Reply.Error("ERR wrong number of arguments for 'gossipcache|handoff' command"u8);
            return;
        }

        if (!System.Buffers.Text.Utf8Parser.TryParse(request[2], out ulong ringHash, out var used, 'x') || used != request[2].Length)
        {
            client.Reply.Error("ERR syntax error"u8);
            return;
        }

        if (client.Server.Cluster?.Ring.Hash != ringHash)
        {
            client.Reply.Error("TRYAGAIN this node's ring differs from the sender's; hand off again once the ring change has spread"u8);
            return;
        }

        ApplyFrom(client, request, 3);
    }

    // Deltas (REPLICATE only) apply when this node holds their base version. The reply is the
    // number of entries applied, or, when some deltas were refused, the keys refused: the primary
    // then sends their full values and counts this node's acknowledgement after those.
    private static void ApplyFrom(ClientSession client, in RespRequest request, int first, bool deltas = false)
    {
        // Validate everything first, so a malformed request changes nothing.
        for (var at = first; at < request.Count; at += ReplicationCodec.ArgsPerEntry)
        {
            var valid = deltas && ReplicationDeltaCodec.IsDelta(request, at)
                ? ReplicationDeltaCodec.TryRead(request, at, out _)
                : ReplicationCodec.TryRead(request, at, out _);
            if (!valid)
            {
                client.Reply.Error("ERR malformed replicated entry"u8);
                return;
            }

            RespNumbers.TryParseInt64(request[at + 1], out var clock);
            if (RefusedAhead(client, clock))
            {
                return;
            }
        }

        var applied = 0;
        List<byte[]>? refused = null;
        var stats = client.Server.Replication?.Stats;
        for (var at = first; at < request.Count; at += ReplicationCodec.ArgsPerEntry)
        {
            if (deltas && ReplicationDeltaCodec.IsDelta(request, at))
            {
                ReplicationDeltaCodec.TryRead(request, at, out var delta);
                if (DeltaReplication.TryApply(client, request[at], delta))
                {
                    applied++;
                    stats?.DeltaAppliedOnce();
                }
                else
                {
                    stats?.DeltaRefusedOnce();
                    var key = request[at].ToArray();
                    refused ??= [];
                    if (!refused.Exists(k => k.AsSpan().SequenceEqual(key)))
                    {
                        refused.Add(key);
                    }
                }

                continue;
            }

            ReplicationCodec.TryRead(request, at, out var entry);
            if (client.Keys.Apply(request[at], entry))
            {
                applied++;
            }
        }

        stats?.AppliedEntries(applied);
        if (refused is null)
        {
            client.Reply.Integer(applied);
            return;
        }

        client.Reply.ArrayHeader(refused.Count);
        foreach (var key in refused)
        {
            client.Reply.Bulk(key);
        }
    }

    // A version too far ahead of this node's clock (ClockBound) refuses the whole request, so the
    // sender learns it: a replicated write then misses this node's acknowledgement.
    private static bool RefusedAhead(ClientSession client, long clock)
    {
        var bound = client.Keys.RemoteClocks;
        if (bound.Admits(clock))
        {
            return false;
        }

        client.Reply.Error($"CLOCKSKEW an entry's version is {bound.AheadMs(clock)} ms ahead of this node's clock, beyond max-clock-offset ({bound.MaxOffsetMs} ms); not applied");
        return true;
    }

    private static void Entry(ClientSession client, in RespRequest request)
    {
        var key = request[2].ToArray();
        if (client.Keys.Export(key) is not { } entry)
        {
            client.Reply.ArrayHeader(0);
            return;
        }

        var args = new List<ReadOnlyMemory<byte>>(ReplicationCodec.ArgsPerEntry);
        ReplicationCodec.Append(args, key, entry);
        client.Reply.ArrayHeader(args.Count);
        foreach (var arg in args)
        {
            client.Reply.Bulk(arg.Span);
        }
    }

    // Anti-entropy's exchange: a root made of 128 segment digests (1 KB) confirms two replicas
    // agree on the slots they share; only the segments that differ are opened, slot by slot.
    private static void Tree(ClientSession client, in RespRequest request)
    {
        if (!SlotBitmap.TryFromWire(request[2], out var mask))
        {
            client.Reply.Error("ERR syntax error"u8);
            return;
        }

        client.Reply.Bulk(ReplicaDigests.Tree(client.Keys, mask));
    }

    private static void Digests(ClientSession client, in RespRequest request)
    {
        if (!SlotBitmap.TryFromWire(request[2], out var mask))
        {
            client.Reply.Error("ERR syntax error"u8);
            return;
        }

        client.Reply.Bulk(ReplicaDigests.Digests(client.Keys, mask));
    }

    private static void Pull(ClientSession client, in RespRequest request)
    {
        if (!TryReadPage(request, ReplicaDigests.MaxPageEntries, out var cursor, out var count, out var slots))
        {
            client.Reply.Error("ERR syntax error"u8);
            return;
        }

        var page = ReplicaDigests.Export(client.Keys, cursor, count, slots);
        client.Reply.ArrayHeader(2);
        client.Reply.BulkInteger(page.Next);
        WriteEntries(client, client.Pieces.Offer(page.Entries));
    }

    private static void Leaves(ClientSession client, in RespRequest request)
    {
        if (!TryReadPage(request, ReplicaDigests.MaxPageLeaves, out var cursor, out var count, out var slots))
        {
            client.Reply.Error("ERR syntax error"u8);
            return;
        }

        var page = ReplicaDigests.Leaves(client.Keys, cursor, count, slots);
        client.Reply.ArrayHeader(2);
        client.Reply.BulkInteger(page.Next);
        client.Reply.ArrayHeader(page.Leaves.Count * 2);
        Span<byte> hash = stackalloc byte[sizeof(ulong)];
        foreach (var (key, entryHash) in page.Leaves)
        {
            client.Reply.Bulk(key);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(hash, entryHash);
            client.Reply.Bulk(hash);
        }
    }

    private static void Fetch(ClientSession client, in RespRequest request)
    {
        if (request.Count - 2 > ReplicaDigests.MaxFetchKeys)
        {
            client.Reply.Error("ERR syntax error"u8);
            return;
        }

        var names = new byte[request.Count - 2][];
        for (var i = 2; i < request.Count; i++)
        {
            names[i - 2] = request[i].ToArray();
        }

        var (answered, entries) = ReplicaDigests.Fetch(client.Keys, names);
        client.Reply.ArrayHeader(2);
        client.Reply.BulkInteger(answered);
        WriteEntries(client, client.Pieces.Offer(entries));
    }

    // cursor count slots: the paging arguments PULL and LEAVES share.
    private static bool TryReadPage(in RespRequest request, int maxCount, out long cursor, out int count, out byte[] slots)
    {
        count = 0;
        slots = [];
        if (!RespNumbers.TryParseInt64(request[2], out cursor) || cursor < 0
            || !RespNumbers.TryParseInt64(request[3], out var asked) || asked < 1 || asked > maxCount
            || !SlotBitmap.TryFromWire(request[4], out slots))
        {
            return false;
        }

        count = (int)asked;
        return true;
    }

    private static void WriteEntries(ClientSession client, List<(byte[] Key, Storage.ReplicatedEntry Entry)> entries)
    {
        var args = new List<ReadOnlyMemory<byte>>(entries.Count * ReplicationCodec.ArgsPerEntry);
        foreach (var (key, entry) in entries)
        {
            ReplicationCodec.Append(args, key, entry);
        }

        client.Reply.ArrayHeader(args.Count);
        foreach (var arg in args)
        {
            client.Reply.Bulk(arg.Span);
        }
    }
}
