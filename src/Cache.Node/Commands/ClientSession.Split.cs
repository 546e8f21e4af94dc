using System.Buffers;
using System.Buffers.Text;
using Cache.Gossip.Ring;
using Cache.Node.Cluster;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// Multi-key commands of a plain client whose keys live in several slots: split by owner, each
/// part run where its keys live (this node's part right here, so a later command of the same
/// client sees it), and the replies merged into the one Redis would give. MGET keeps key order;
/// DEL, UNLINK, EXISTS and TOUCH add up; MSET answers OK once every part did. As in Redis Cluster
/// the parts are not one atomic step.
/// </summary>
internal sealed partial class ClientSession
{
    private static bool CanSplit(CommandDefinition command) =>
        command.Id is CommandId.Mget or CommandId.Mset or CommandId.Del or CommandId.Unlink or CommandId.Exists or CommandId.Touch;

    private void Split(ClusterMembership cluster, CommandDefinition command, in RespRequest request)
    {
        var ring = cluster.Ring;
        var self = cluster.IndexIn(ring);
        var step = command.Id == CommandId.Mset ? 2 : 1;
        // Owner → positions of its keys in the request, in request order.
        var parts = new Dictionary<int, List<int>>();
        for (var i = 1; i < request.Count; i += step)
        {
            var owner = ring.OwnerIndices(HashSlot.ForKey(request[i]))[0];
            if (!parts.TryGetValue(owner, out var positions))
            {
                positions = [];
                parts[owner] = positions;
            }

            positions.Add(i);
        }

        var replies = new List<(List<int> Positions, Task<byte[]> Reply)>(parts.Count);
        foreach (var (owner, positions) in parts)
        {
            var args = new ReadOnlyMemory<byte>[1 + (positions.Count * step)];
            args[0] = request[0].ToArray();
            var at = 1;
            foreach (var position in positions)
            {
                for (var j = 0; j < step; j++)
                {
                    args[at++] = request[position + j].ToArray();
                }
            }

            Task<byte[]> reply;
            if (owner == self)
            {
                reply = RunPartHere(command, args);
            }
            else
            {
                var endpoint = cluster.RespEndpointOf(ring.Nodes[owner].Id) ?? ring.Nodes[owner].Id;
                Server.Replication?.Stats.ForwardedOne();
                reply = Relay(Server.Peers!.Get(endpoint, Reply.Protocol).SendRawAsync(args), endpoint);
            }

            replies.Add((positions, reply));
        }

        Defer(MergeAsync(command.Name, (request.Count - 1) / step, step, replies));
    }

    /// <summary>Runs this node's part as if the client had sent it, capturing its reply.</summary>
    private Task<byte[]> RunPartHere(CommandDefinition command, ReadOnlyMemory<byte>[] args) =>
        RunCaptured(command, QueuedRequest.From(args).AsRequest());

    private static async Task<byte[]> MergeAsync(string name, int keys, int step, List<(List<int> Positions, Task<byte[]> Reply)> parts)
    {
        var values = name == "mget" ? new byte[keys][] : null;
        long sum = 0;
        foreach (var (positions, task) in parts)
        {
            var reply = await task.ConfigureAwait(false);
            if (reply.Length > 0 && reply[0] == (byte)'-')
            {
                return reply;
            }

            switch (name)
            {
                case "mget":
                    var items = SplitArray(reply);
                    if (items is null || items.Count != positions.Count)
                    {
                        return "-ERR a node answered its part of MGET with an unexpected reply\r\n"u8.ToArray();
                    }

                    for (var i = 0; i < positions.Count; i++)
                    {
                        values![(positions[i] - 1) / step] = items[i];
                    }

                    break;
                case "mset":
                    break;
                default:
                    if (reply.Length < 3 || reply[0] != (byte)':' || !Utf8Parser.TryParse(reply.AsSpan(1, reply.Length - 3), out long count, out _))
                    {
                        return "-ERR a node answered its part of the command with an unexpected reply\r\n"u8.ToArray();
                    }

                    sum += count;
                    break;
            }
        }

        if (name == "mset")
        {
            return "+OK\r\n"u8.ToArray();
        }

        if (values is null)
        {
            return System.Text.Encoding.ASCII.GetBytes($":{sum}\r\n");
        }

        var output = new ArrayBufferWriter<byte>();
        output.Write(System.Text.Encoding.ASCII.GetBytes($"*{values.Length}\r\n"));
        foreach (var value in values)
        {
            output.Write(value);
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>The raw items of an array of bulk strings and nulls (MGET's reply), or null if it is not one.</summary>
    private static List<byte[]>? SplitArray(byte[] reply)
    {
        var span = reply.AsSpan();
        if (span.Length < 4 || span[0] != (byte)'*')
        {
            return null;
        }

        var end = span.IndexOf("\r\n"u8);
        if (!Utf8Parser.TryParse(span[1..end], out int count, out _) || count < 0)
        {
            return null;
        }

        var items = new List<byte[]>(count);
        var at = end + 2;
        for (var i = 0; i < count; i++)
        {
            var rest = span[at..];
            var lineEnd = rest.IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                return null;
            }

            var size = lineEnd + 2;
            if (rest[0] == (byte)'$' && Utf8Parser.TryParse(rest[1..lineEnd], out int length, out _) && length >= 0)
            {
                size += length + 2;
            }
            else if (rest[0] is not ((byte)'$' or (byte)'_'))
            {
                return null;
            }

            items.Add(rest[..size].ToArray());
            at += size;
        }

        return items;
    }
}
