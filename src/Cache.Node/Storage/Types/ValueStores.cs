namespace Cache.Node.Storage;

/// <summary>The store table: one <see cref="IValueStore"/> per <see cref="ValueKind"/> that can hold values outside its records.</summary>
internal static class ValueStores
{
    /// <summary>The stores of one key space, indexed by <see cref="ValueKind"/>.</summary>
    public static IValueStore?[] Create(HashStore hashes, ListStore lists, SetStore sets, SortedSetStore sortedSets, StreamStore streams)
    {
        var stores = new IValueStore?[(int)ValueKinds.Last + 1];
        stores[(int)ValueKind.Hash] = hashes;
        stores[(int)ValueKind.List] = lists;
        stores[(int)ValueKind.Set] = sets;
        stores[(int)ValueKind.SortedSet] = sortedSets;
        stores[(int)ValueKind.Stream] = streams;
        return stores;
    }

    /// <summary>Sum of the stores' <see cref="IValueStore.UsedBytes"/>.</summary>
    public static long UsedBytes(IValueStore?[] stores)
    {
        var total = 0L;
        foreach (var store in stores)
        {
            total += store?.UsedBytes ?? 0;
        }

        return total;
    }

    /// <summary>Sum of the stores' <see cref="IValueStore.ObjectBytes"/>.</summary>
    public static long ObjectBytes(IValueStore?[] stores)
    {
        var total = 0L;
        foreach (var store in stores)
        {
            total += store?.ObjectBytes ?? 0;
        }

        return total;
    }
}
