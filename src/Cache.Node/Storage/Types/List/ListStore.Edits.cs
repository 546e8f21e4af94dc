namespace Cache.Node.Storage;

/// <summary>The list edits away from the ends: LSET, LINSERT, LREM and LTRIM, one node rewritten at a time.</summary>
internal sealed partial class ListStore
{
    /// <summary>Replaces the element at <paramref name="index"/>.</summary>
    public void Set(ref StoreEntry entry, long index, ReadOnlySpan<byte> element)
    {
        _keys.Stamp(ref entry);
        var node = NodeOf(entry, index, out var within);
        var run = NodeRun(entry, node);
        var start = ListBlob.PositionOf(run, within);
        var end = ListBlob.ReadAt(run, start, out _);
        var scratch = Scratch(run.Length - (end - start) + ListBlob.ElementSize(element.Length));
        run[..start].CopyTo(scratch);
        var at = start + ListBlob.Write(scratch[start..], element);
        run[end..].CopyTo(scratch[at..]);
        ReplaceNode(ref entry, node, scratch[..(at + run.Length - end)], NodeEntries(entry, node));
    }

    /// <summary>
    /// Inserts <paramref name="element"/> before (or after) the first element equal to
    /// <paramref name="pivot"/>; returns the new length, or -1 when there is no such element.
    /// </summary>
    public long Insert(ref StoreEntry entry, ReadOnlySpan<byte> pivot, ReadOnlySpan<byte> element, bool after)
    {
        var nodes = NodeCount(entry);
        for (var node = 0; node < nodes; node++)
        {
            var run = NodeRun(entry, node);
            for (var position = 0; position < run.Length;)
            {
                var start = position;
                position = ListBlob.ReadAt(run, position, out var candidate);
                if (!candidate.SequenceEqual(pivot))
                {
                    continue;
                }

                var at = after ? position : start;
                var scratch = Scratch(run.Length + ListBlob.ElementSize(element.Length));
                run[..at].CopyTo(scratch);
                var written = at + ListBlob.Write(scratch[at..], element);
                run[at..].CopyTo(scratch[written..]);
                _keys.Stamp(ref entry);
                ReplaceNode(ref entry, node, scratch[..(written + run.Length - at)], NodeEntries(entry, node) + 1);
                return Length(entry);
            }
        }

        return -1;
    }

    /// <summary>
    /// Removes elements equal to <paramref name="element"/>: the first <paramref name="count"/>
    /// from the head (count &gt; 0), from the tail (count &lt; 0), or all (0). Returns how many;
    /// a list left empty must be deleted by the caller.
    /// </summary>
    public long Remove(ref StoreEntry entry, ReadOnlySpan<byte> element, long count)
    {
        var remaining = count is 0 or long.MinValue ? long.MaxValue : Math.Abs(count);
        long removed = 0;
        if (count >= 0)
        {
            for (var node = 0; node < NodeCount(entry) && remaining > 0;)
            {
                var gone = RemoveFromNode(ref entry, node, element, remaining, int.MaxValue);
                removed += gone.Removed;
                remaining -= gone.Removed;
                if (!gone.NodeDropped)
                {
                    node++;
                }
            }
        }
        else
        {
            for (var node = NodeCount(entry) - 1; node >= 0 && remaining > 0; node--)
            {
                // Only the last matches of the node go: find where the ones to keep end.
                var run = NodeRun(entry, node);
                var positions = PositionBuffer(NodeEntries(entry, node));
                var n = ListBlob.Positions(run, positions);
                var threshold = int.MaxValue;
                long matches = 0;
                for (var i = n - 1; i >= 0 && matches < remaining; i--)
                {
                    ListBlob.ReadAt(run, positions[i], out var candidate);
                    if (candidate.SequenceEqual(element))
                    {
                        matches++;
                        threshold = positions[i];
                    }
                }

                if (matches > 0)
                {
                    var gone = RemoveFromNode(ref entry, node, element, matches, threshold);
                    removed += gone.Removed;
                    remaining -= gone.Removed;
                }
            }
        }

        if (removed > 0)
        {
            _keys.Stamp(ref entry);
        }

        return removed;
    }

    /// <summary>Removes <paramref name="fromHead"/> elements at the head and <paramref name="fromTail"/> at the tail (together at most the length).</summary>
    public void Trim(ref StoreEntry entry, long fromHead, long fromTail)
    {
        if (fromHead == 0 && fromTail == 0)
        {
            return;
        }

        _keys.Stamp(ref entry);
        if (IsPacked(entry))
        {
            var blob = _table.ValueOf(entry);
            var count = ListBlob.Count(blob);
            var run = blob[ListBlob.Start..];
            var start = ListBlob.PositionOf(run, (int)fromHead);
            var end = start;
            for (var i = fromHead; i < count - fromTail; i++)
            {
                end = ListBlob.ReadAt(run, end, out _);
            }

            run[start..end].CopyTo(run);
            var length = ListBlob.Start + end - start;
            ListBlob.SetCount(_table.ResizeValue(ref entry, length, length), count - (int)(fromHead + fromTail));
            return;
        }

        var nodes = Nodes(entry);
        while (fromHead > 0 && nodes.NodeCount > 0 && nodes.EntriesOf(0) <= fromHead)
        {
            fromHead -= nodes.EntriesOf(0);
            nodes.Remove(0);
        }

        while (fromTail > 0 && nodes.NodeCount > 0 && nodes.EntriesOf(nodes.NodeCount - 1) <= fromTail)
        {
            fromTail -= nodes.EntriesOf(nodes.NodeCount - 1);
            nodes.Remove(nodes.NodeCount - 1);
        }

        if (fromHead > 0)
        {
            var run = nodes.Content(0);
            var start = ListBlob.PositionOf(run, (int)fromHead);
            var scratch = Scratch(run.Length - start);
            run[start..].CopyTo(scratch);
            nodes.Replace(0, scratch[..(run.Length - start)], nodes.EntriesOf(0) - (int)fromHead);
        }

        if (fromTail > 0)
        {
            var last = nodes.NodeCount - 1;
            var run = nodes.Content(last);
            var end = ListBlob.PositionOf(run, nodes.EntriesOf(last) - (int)fromTail);
            var scratch = Scratch(end);
            run[..end].CopyTo(scratch);
            nodes.Replace(last, scratch[..end], nodes.EntriesOf(last) - (int)fromTail);
        }
    }

    /// <summary>
    /// Rewrites node <paramref name="node"/> without up to <paramref name="limit"/> elements equal
    /// to <paramref name="element"/>, considering only those at byte positions from
    /// <paramref name="from"/> (int.MaxValue: all).
    /// </summary>
    private (long Removed, bool NodeDropped) RemoveFromNode(ref StoreEntry entry, int node, ReadOnlySpan<byte> element, long limit, int from)
    {
        var run = NodeRun(entry, node);
        var scratch = Scratch(run.Length);
        var written = 0;
        long removed = 0;
        var all = from == int.MaxValue;
        for (var position = 0; position < run.Length;)
        {
            var start = position;
            position = ListBlob.ReadAt(run, position, out var candidate);
            if (removed < limit && (all || start >= from) && candidate.SequenceEqual(element))
            {
                removed++;
                continue;
            }

            run[start..position].CopyTo(scratch[written..]);
            written += position - start;
        }

        if (removed == 0)
        {
            return (0, false);
        }

        var entries = NodeEntries(entry, node) - (int)removed;
        var dropped = entries == 0 && !IsPacked(entry);
        ReplaceNode(ref entry, node, scratch[..written], entries);
        return (removed, dropped);
    }

    private int NodeOf(in StoreEntry entry, long index, out int within)
    {
        if (IsPacked(entry))
        {
            within = (int)index;
            return 0;
        }

        return Nodes(entry).Locate(index, out within);
    }

    private ReadOnlySpan<byte> NodeRun(in StoreEntry entry, int node) =>
        IsPacked(entry) ? ListBlob.Elements(_table.ValueOf(entry)) : Nodes(entry).Content(node);

    private int NodeEntries(in StoreEntry entry, int node) =>
        IsPacked(entry) ? ListBlob.Count(_table.ValueOf(entry)) : Nodes(entry).EntriesOf(node);

    /// <summary>
    /// Puts back node <paramref name="node"/> as <paramref name="run"/> (in scratch, not in the
    /// list): dropped when empty, split over several nodes when it outgrew the limit. A packed
    /// list that outgrows it becomes nodes; an empty packed list stays an empty record.
    /// </summary>
    private void ReplaceNode(ref StoreEntry entry, int node, ReadOnlySpan<byte> run, int entries)
    {
        var limit = Limit;
        if (IsPacked(entry))
        {
            if (limit.Fits(entries, run.Length))
            {
                var value = _table.ResizeValue(ref entry, ListBlob.Start + run.Length);
                ListBlob.SetCount(value, entries);
                run.CopyTo(value[ListBlob.Start..]);
                return;
            }

            _table.ResizeValue(ref entry, 0);
            AppendSplit(Attach(ref entry), 0, run);
            return;
        }

        var nodes = Nodes(entry);
        if (entries == 0)
        {
            nodes.Remove(node);
        }
        else if (limit.Fits(entries, run.Length))
        {
            nodes.Replace(node, run, entries);
        }
        else
        {
            nodes.Remove(node);
            AppendSplit(nodes, node, run);
        }
    }

    /// <summary>Inserts <paramref name="run"/> as nodes that each fit the limit, from node number <paramref name="at"/>.</summary>
    private void AppendSplit(ListNodes nodes, int at, ReadOnlySpan<byte> run)
    {
        var limit = Limit;
        var pieceStart = 0;
        var entries = 0;
        for (var position = 0; position < run.Length;)
        {
            var end = ListBlob.ReadAt(run, position, out _);
            if (!limit.Accepts(entries, position - pieceStart, end - position))
            {
                nodes.Insert(at++, run[pieceStart..position], entries);
                pieceStart = position;
                entries = 0;
            }

            entries++;
            position = end;
        }

        if (entries > 0)
        {
            nodes.Insert(at, run[pieceStart..], entries);
        }
    }
}
