using System.Text;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// SYNC, PSYNC and REPLCONF: a client asking for the replication stream gets an RDB of the data
/// set (<c>$&lt;length&gt;\r\n</c> then the bytes, no CRLF after, as Redis sends a disk-less payload),
/// then every command the node propagates (see <see cref="ReplicationFeed"/>). PSYNC always
/// answers <c>+FULLRESYNC</c>: there is no backlog to continue from.
/// </summary>
internal static class SyncCommands
{
    private const string Group = "server";
    private const CommandFlags SyncFlags = CommandFlags.Admin | CommandFlags.NoScript | CommandFlags.NoAsyncLoading | CommandFlags.NoMulti;

    public static void Register(CommandTable table)
    {
        table.Add(new("sync", 1, SyncFlags, Sync, Group, "An internal command used in replication."));
        table.Add(new("psync", -3, SyncFlags, Psync, Group, "An internal command used in replication."));
        table.Add(new("replconf", -1, CommandFlags.Admin | CommandFlags.NoScript | CommandFlags.Loading | CommandFlags.Stale | CommandFlags.AllowBusy, Replconf, Group, "An internal command for configuring the replication stream."));
    }

    private static void Sync(ClientSession client, in RespRequest request) => Attach(client, fullResync: false);

    private static void Psync(ClientSession client, in RespRequest request) => Attach(client, fullResync: true);

    private static void Attach(ClientSession client, bool fullResync)
    {
        if (client.Replica is not null)
        {
            // As Redis: a connection already in replica mode ignores another sync request.
            return;
        }

        var feed = client.Server.Feed;
        if (fullResync)
        {
            client.Reply.WriteRaw(System.Text.Encoding.ASCII.GetBytes($"+FULLRESYNC {client.Server.RunId} {feed.Offset}\r\n"));
        }

        // The data set as it is now (the command runs under the key-space gate, so the snapshot and
        // the stream that follows it meet at this point), then every write after it.
        var keys = client.Server.Keys;
        var rdb = RdbFile.Write(keys, keys.NowMs / 1000, keys.UsedMemory);
        client.Reply.WriteRaw(System.Text.Encoding.ASCII.GetBytes($"${rdb.Count}\r\n"));
        client.Reply.WriteRaw(rdb);
        var replica = new ReplicaLink(client.Connection.Id, client.Connection.RemoteAddress, client.Server.ReplicaBufferLimit) { LastAckMs = client.Keys.NowMs };
        client.Replica = replica;
        feed.Attach(replica);
        // The connection loop sends this reply, then serves the connection as a replica.
        client.EndBatch = true;
    }

    private static void Replconf(ClientSession client, in RespRequest request)
    {
        // REPLCONF ACK and GETACK expect no reply; the rest (listening-port, capa, ...) are noted and accepted.
        if (request.Count >= 2 && (Ascii.EqualsIgnoreCase(request[1], "ack"u8) || Ascii.EqualsIgnoreCase(request[1], "getack"u8)))
        {
            return;
        }

        client.Reply.Ok();
    }
}
