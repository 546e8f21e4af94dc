using System.Text;
using Cache.Client.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Cluster;

/// <summary>
/// The full values a primary sends when a replica refused deltas (it did not hold their base).
/// Deltas already in flight behind the refused one are refused too; a full value sent for a key
/// at a version at least theirs answers them all, so they wait for that send instead of each
/// exporting the value again (a large collection's whole point is not to be sent twice).
/// </summary>
internal sealed class DeltaFallbacks(KeySpace keys, ReplicationTraffic traffic)
{
    private readonly Dictionary<(string Peer, string Key), (EntryVersion Version, Task<RespReply> Reply)> _pending = [];
    private readonly Lock _gate = new();

    /// <summary>
    /// The peer's answer for a REPLICATE (<paramref name="args"/>) of which it refused the deltas
    /// of <paramref name="refused"/>: once those keys' full values (current here, or already on
    /// their way) were acknowledged, the last reply; the first error otherwise.
    /// </summary>
    public async Task<RespReply> ResendAsync(string peer, PeerLink link, ReadOnlyMemory<byte>[] args, IReadOnlyList<RespReply> refused, Action<string, ReadOnlyMemory<byte>[]> count)
    {
        traffic.FellBack(peer, refused.Count);
        var waits = new List<Task<RespReply>>();
        var full = new List<ReadOnlyMemory<byte>> { args[0], args[1], args[2] };
        var sent = new List<(string Key, EntryVersion Version)>();
        TaskCompletionSource<RespReply>? send = null;
        using (keys.Enter())
        {
            lock (_gate)
            {
                foreach (var item in refused)
                {
                    if (item.Bytes is not { } key)
                    {
                        continue;
                    }

                    var name = Encoding.Latin1.GetString(key);
                    if (_pending.TryGetValue((peer, name), out var pending) && pending.Version >= HighestDelta(args, key))
                    {
                        waits.Add(pending.Reply);
                    }
                    else if (keys.Export(key) is { } entry)
                    {
                        ReplicationCodec.Append(full, key, entry);
                        sent.Add((name, entry.Version));
                    }
                }

                if (sent.Count > 0)
                {
                    send = new TaskCompletionSource<RespReply>(TaskCreationOptions.RunContinuationsAsynchronously);
                    foreach (var (name, version) in sent)
                    {
                        _pending[(peer, name)] = (version, send.Task);
                    }
                }
            }
        }

        if (send is not null)
        {
            ReadOnlyMemory<byte>[] again = [.. full];
            count(peer, again);
            waits.Add(send.Task);
            _ = RelayAsync(link.SendAsync(again), send, peer, sent);
        }

        var answer = RespReply.Number(0);   // nothing left to send (gone here since): nothing to wait for
        foreach (var wait in waits)
        {
            answer = await wait.ConfigureAwait(false);
            if (answer.IsError)
            {
                return answer;
            }
        }

        return answer;
    }

    private async Task RelayAsync(Task<RespReply> reply, TaskCompletionSource<RespReply> send, string peer, List<(string Key, EntryVersion Version)> sent)
    {
        try
        {
            send.TrySetResult(await reply.ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            send.TrySetException(ex);
        }
        finally
        {
            lock (_gate)
            {
                foreach (var (name, _) in sent)
                {
                    if (_pending.TryGetValue((peer, name), out var pending) && pending.Reply == send.Task)
                    {
                        _pending.Remove((peer, name));
                    }
                }
            }
        }
    }

    // The newest version a delta of this request gives key.
    private static EntryVersion HighestDelta(ReadOnlyMemory<byte>[] args, byte[] key)
    {
        var highest = EntryVersion.None;
        for (var at = 3; at + ReplicationCodec.ArgsPerEntry <= args.Length; at += ReplicationCodec.ArgsPerEntry)
        {
            if (args[at].Span.SequenceEqual(key)
                && Resp.RespNumbers.TryParseInt64(args[at + 1].Span, out var clock) && Resp.RespNumbers.TryParseInt64(args[at + 2].Span, out var node))
            {
                var version = new EntryVersion(clock, (ushort)node);
                if (version > highest)
                {
                    highest = version;
                }
            }
        }

        return highest;
    }
}
