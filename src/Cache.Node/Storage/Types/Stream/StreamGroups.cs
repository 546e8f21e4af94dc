namespace Cache.Node.Storage;

/// <summary>
/// A stream's consumer groups, decoded from their packed form for one command and packed again
/// after it changed them. Packed: group count, then per group its name, last id, read counter + 1,
/// consumers (name, seen-time) and pending entries (id, consumer's index, delivery time and count).
/// </summary>
/// <remarks>
/// Decoding costs one object per group, consumer and pending entry for the length of a command;
/// between commands they are bytes in a slab chunk. A group command is O(groups + pending entries).
/// </remarks>
internal sealed class StreamGroups
{
    public List<StreamGroup> All { get; } = [];

    public StreamGroup? Find(ReadOnlySpan<byte> name)
    {
        var at = StreamNames.IndexOf(All, name);
        return at >= 0 ? All[at] : null;
    }

    /// <summary>Adds a group; false when the name is taken.</summary>
    public bool TryAdd(StreamGroup group)
    {
        var at = StreamNames.IndexOf(All, group.Name);
        if (at >= 0)
        {
            return false;
        }

        All.Insert(~at, group);
        return true;
    }

    public bool Remove(ReadOnlySpan<byte> name)
    {
        var at = StreamNames.IndexOf(All, name);
        if (at < 0)
        {
            return false;
        }

        All.RemoveAt(at);
        return true;
    }

    public static StreamGroups Decode(ReadOnlySpan<byte> packed)
    {
        var groups = new StreamGroups();
        if (packed.IsEmpty)
        {
            return groups;
        }

        var at = StreamBytes.ReadVarint(packed, 0, out var count);
        for (var g = 0UL; g < count; g++)
        {
            at = StreamBytes.ReadString(packed, at, out var name);
            at = StreamBytes.ReadVarint(packed, at, out var lastMs);
            at = StreamBytes.ReadVarint(packed, at, out var lastSeq);
            at = StreamBytes.ReadVarint(packed, at, out var read);
            var group = new StreamGroup(name.ToArray(), new(lastMs, lastSeq), (long)read - 1);
            at = StreamBytes.ReadVarint(packed, at, out var consumers);
            for (var c = 0UL; c < consumers; c++)
            {
                at = StreamBytes.ReadString(packed, at, out var consumer);
                at = StreamBytes.ReadInt64(packed, at, out var seen);
                group.Consumers.Add(new StreamConsumer(consumer.ToArray(), seen));
            }

            at = StreamBytes.ReadVarint(packed, at, out var pending);
            for (var p = 0UL; p < pending; p++)
            {
                at = StreamBytes.ReadVarint(packed, at, out var ms);
                at = StreamBytes.ReadVarint(packed, at, out var seq);
                at = StreamBytes.ReadVarint(packed, at, out var owner);
                at = StreamBytes.ReadInt64(packed, at, out var time);
                at = StreamBytes.ReadVarint(packed, at, out var deliveries);
                if (owner >= (ulong)group.Consumers.Count)
                {
                    throw new InvalidDataException("A pending entry names a consumer the group does not have.");
                }

                group.Pending.Add(new StreamPending(new(ms, seq), group.Consumers[(int)owner], time, (long)deliveries));
            }

            groups.All.Add(group);
        }

        return groups;
    }

    /// <summary>The packed form; empty when there are no groups.</summary>
    public byte[] Encode()
    {
        if (All.Count == 0)
        {
            return [];
        }

        var size = StreamBytes.VarintSize((ulong)All.Count);
        foreach (var group in All)
        {
            size += StreamBytes.StringSize(group.Name.Length) + (3 * 10) + (2 * 10);
            foreach (var consumer in group.Consumers)
            {
                size += StreamBytes.StringSize(consumer.Name.Length) + 8;
            }

            size += group.Pending.Count * ((4 * 10) + 8);
        }

        var buffer = new byte[size];
        var at = StreamBytes.WriteVarint(buffer, (ulong)All.Count);
        var index = new Dictionary<StreamConsumer, int>(ReferenceEqualityComparer.Instance);
        foreach (var group in All)
        {
            at += StreamBytes.WriteString(buffer.AsSpan(at), group.Name);
            at += StreamBytes.WriteVarint(buffer.AsSpan(at), group.LastId.Ms);
            at += StreamBytes.WriteVarint(buffer.AsSpan(at), group.LastId.Seq);
            at += StreamBytes.WriteVarint(buffer.AsSpan(at), (ulong)(group.EntriesRead + 1));
            at += StreamBytes.WriteVarint(buffer.AsSpan(at), (ulong)group.Consumers.Count);
            index.Clear();
            foreach (var consumer in group.Consumers)
            {
                index[consumer] = index.Count;
                at += StreamBytes.WriteString(buffer.AsSpan(at), consumer.Name);
                at += StreamBytes.WriteInt64(buffer.AsSpan(at), consumer.SeenTime);
            }

            at += StreamBytes.WriteVarint(buffer.AsSpan(at), (ulong)group.Pending.Count);
            foreach (var pending in group.Pending)
            {
                at += StreamBytes.WriteVarint(buffer.AsSpan(at), pending.Id.Ms);
                at += StreamBytes.WriteVarint(buffer.AsSpan(at), pending.Id.Seq);
                at += StreamBytes.WriteVarint(buffer.AsSpan(at), (ulong)index[pending.Consumer]);
                at += StreamBytes.WriteInt64(buffer.AsSpan(at), pending.DeliveryTime);
                at += StreamBytes.WriteVarint(buffer.AsSpan(at), (ulong)pending.DeliveryCount);
            }
        }

        return buffer.AsSpan(0, at).ToArray();
    }
}
