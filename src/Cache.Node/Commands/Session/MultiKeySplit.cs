using System.Buffers;
using System.Buffers.Text;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// Multi-key commands of a plain client whose keys live in several slots: each owner's part runs
/// where its keys live (this node's part right away, so a later command of the same client sees
/// it), and the replies merge into the one Redis would give. MGET keeps key order; DEL, UNLINK,
/// EXISTS and TOUCH add up; MSET answers OK once every part did. As in Redis Cluster the parts
/// are not one atomic step.
/// </summary>
internal static class MultiKeySplit
{
    /// <summary>Starts every part of <paramref name="plan"/> and returns the merged reply to come.</summary>
    public static Task<byte[]> Start(ClientSession session, CommandDefinition command, in RespRequest request, SplitPlan plan)
    {
        var step = plan.Step;
        var replies = new List<(List<int> Positions, Task<byte[]> Reply)>(plan.Parts.Count);
        foreach (var part in plan.Parts)
        {
            var args = new ReadOnlyMemory<byte>[1 + (part.Positions.Count * step)];
            args[0] = request[0].ToArray();
            var at = 1;
            foreach (var position in part.Positions)
            {
                for (var j = 0; j < step; j++)
                {
                    args[at++] = request[position + j].ToArray();
                }
            }

            Task<byte[]> reply;
            if (part.Endpoint is not { } endpoint)
            {
                // This node's part, as if the client had sent it.
                reply = session.RunCaptured(command, QueuedRequest.From(args).AsRequest());
            }
            else
            {
                var stats = session.Server.Replication?.Stats;
                stats?.ForwardedOne();
                reply = ForwardedReply.Relay(session.Server.Peers!.Get(endpoint, session.Reply.Protocol).SendRawAsync(args), endpoint, stats);
            }

            replies.Add((part.Positions, reply));
        }

        return MergeAsync(command.Id, plan.KeyCount, step, replies);
    }

    private static async Task<byte[]> MergeAsync(CommandId id, int keys, int step, List<(List<int> Positions, Task<byte[]> Reply)> parts)
    {
        var values = id == CommandId.Mget ? new byte[keys][] : null;
        long sum = 0;
        foreach (var (positions, task) in parts)
        {
            var reply = await task.ConfigureAwait(false);
            if (reply.Length > 0 && reply[0] == (byte)'-')
            {
                return reply;
            }

            switch (id)
            {
                case CommandId.Mget:
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
                case CommandId.Mset:
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

        if (id == CommandId.Mset)
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
    internal static List<byte[]>? SplitArray(byte[] reply)
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
