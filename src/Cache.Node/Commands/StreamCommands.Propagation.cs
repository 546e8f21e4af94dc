using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// What stream commands put into the replication stream, as Redis 7.0's t_stream.c: group reads
/// and claims replay as idempotent XCLAIMs, a group's position as XGROUP SETID, and XADD / XTRIM
/// with the id and the trim threshold they ended up with.
/// </summary>
internal static partial class StreamCommands
{
    /// <summary>
    /// Redis' streamPropagateXCLAIM: XCLAIM key group consumer 0 id TIME t RETRYCOUNT n FORCE JUSTID
    /// LASTID group-last-id, which leaves a replica's pending entry as ours whether or not it had it.
    /// </summary>
    internal static void PropagateClaim(ClientSession client, ReadOnlySpan<byte> key, ReadOnlySpan<byte> groupName, StreamGroup group, ReadOnlySpan<byte> id, StreamPending pending)
    {
        if (!client.Feed.Active)
        {
            return;
        }

        Span<byte> last = stackalloc byte[StreamId.MaxText];
        client.Feed.Also(14).Arg("XCLAIM"u8).Arg(key).Arg(groupName).Arg(pending.Consumer.Name).Arg("0"u8).Arg(id)
            .Arg("TIME"u8).Arg(pending.DeliveryTime).Arg("RETRYCOUNT"u8).Arg(pending.DeliveryCount)
            .Arg("FORCE"u8).Arg("JUSTID"u8).Arg("LASTID"u8).Arg(last[..group.LastId.Format(last)]);
    }

    /// <summary>As the overload taking the id as text, for an id known as a value.</summary>
    internal static void PropagateClaim(ClientSession client, ReadOnlySpan<byte> key, ReadOnlySpan<byte> groupName, StreamGroup group, StreamId id, StreamPending pending)
    {
        Span<byte> text = stackalloc byte[StreamId.MaxText];
        PropagateClaim(client, key, groupName, group, text[..id.Format(text)], pending);
    }

    /// <summary>Redis' streamPropagateGroupID: XGROUP SETID key group last-id ENTRIESREAD n.</summary>
    internal static void PropagateGroupId(ClientSession client, ReadOnlySpan<byte> key, ReadOnlySpan<byte> groupName, StreamGroup group)
    {
        Span<byte> last = stackalloc byte[StreamId.MaxText];
        client.Feed.Also(7).Arg("XGROUP"u8).Arg("SETID"u8).Arg(key).Arg(groupName).Arg(last[..group.LastId.Format(last)])
            .Arg("ENTRIESREAD"u8).Arg(group.EntriesRead);
    }

    /// <summary>Redis' streamPropagateConsumerCreation, for a consumer a NOACK read created (no XCLAIM would).</summary>
    internal static void PropagateConsumerCreation(ClientSession client, ReadOnlySpan<byte> key, ReadOnlySpan<byte> groupName, ReadOnlySpan<byte> consumerName) =>
        client.Feed.Also(5).Arg("XGROUP"u8).Arg("CREATECONSUMER"u8).Arg(key).Arg(groupName).Arg(consumerName);

    /// <summary>
    /// XADD and XTRIM as Redis rewrites them: the id XADD gave when it was generated (wholly or its
    /// sequence), and an approximate trim as an exact one to where it stopped ("=" and the length,
    /// or the first id left, the maximum id when none is), so a replica trims the same entries.
    /// </summary>
    private static void PropagateAddOrTrim(ClientSession client, in RespRequest request, int idAt, StreamId id, in StreamTrimOptions options, StreamValue stream)
    {
        var rewriteId = idAt >= 0 && (!options.IdGiven || !options.SequenceGiven);
        var exact = options.HasStrategy && options.Approximate;
        if (!client.Feed.Active || (!rewriteId && !exact))
        {
            return;
        }

        Span<byte> text = stackalloc byte[StreamId.MaxText];
        Span<byte> threshold = stackalloc byte[StreamId.MaxText];
        var thresholdLength = 0;
        if (exact)
        {
            thresholdLength = options.ByLength
                ? (System.Buffers.Text.Utf8Formatter.TryFormat(stream.Length, threshold, out var written) ? written : 0)
                : (stream.Length == 0 ? StreamId.Max : stream.FirstId).Format(threshold);
        }

        var argv = client.Feed.Rewrite(request.Count);
        for (var i = 0; i < request.Count; i++)
        {
            if (rewriteId && i == idAt)
            {
                argv.Arg(text[..id.Format(text)]);
            }
            else if (exact && i == options.ThresholdAt - 1)
            {
                argv.Arg("="u8);
            }
            else if (exact && i == options.ThresholdAt)
            {
                argv.Arg(threshold[..thresholdLength]);
            }
            else
            {
                argv.Arg(request[i]);
            }
        }
    }
}
