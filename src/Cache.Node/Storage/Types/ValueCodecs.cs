namespace Cache.Node.Storage;

/// <summary>The codec table: one codec per <see cref="ValueKind"/> that has a value.</summary>
internal static class ValueCodecs
{
    /// <summary>The codecs of one key space, indexed by <see cref="ValueKind"/>.</summary>
    public static IValueCodec?[] Create(KeySpace keys, HashStore hashes, ListStore lists, SetStore sets, SortedSetStore sortedSets, StreamStore streams)
    {
        var codecs = new IValueCodec?[(int)ValueKinds.Last + 1];
        codecs[(int)ValueKind.String] = new StringCodec(keys);
        codecs[(int)ValueKind.Hash] = new HashCodec(hashes);
        codecs[(int)ValueKind.List] = new ListCodec(lists);
        codecs[(int)ValueKind.Set] = new SetCodec(sets);
        codecs[(int)ValueKind.SortedSet] = new SortedSetCodec(sortedSets);
        codecs[(int)ValueKind.Stream] = new StreamCodec(streams);
        return codecs;
    }
}
