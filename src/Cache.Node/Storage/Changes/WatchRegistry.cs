using System.Runtime.CompilerServices;

namespace Cache.Node.Storage;

/// <summary>
/// WATCH: which clients watch which keys. Any change a reader could see marks the key's watchers
/// dirty (a reclaimed tombstone is not one); a flush marks those whose key existed.
/// </summary>
internal sealed class WatchRegistry
{
    private readonly ByteKeyTable<List<WatchState>> _watchers = new();
    private readonly EntryTable _table;

    public WatchRegistry(EntryTable table) => _table = table;

    /// <summary>True when any client watches any key.</summary>
    public bool Any => _watchers.Count > 0;

    public void Watch(ReadOnlySpan<byte> key, WatchState state)
    {
        ref var list = ref _watchers.GetOrAdd(key, out var added);
        if (added)
        {
            list = [];
        }

        if (!list.Contains(state))
        {
            list.Add(state);
            state.Keys.Add(key.ToArray());
        }
    }

    public void Unwatch(WatchState state)
    {
        foreach (var key in state.Keys)
        {
            ref var list = ref _watchers.Find(key);
            if (Unsafe.IsNullRef(ref list))
            {
                continue;
            }

            list.Remove(state);
            if (list.Count == 0)
            {
                _watchers.Remove(key);
            }
        }

        state.Keys.Clear();
        state.Dirty = false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnEntryChanged(in EntryChange change)
    {
        if (_watchers.Count == 0 || change.Kind == EntryChangeKind.Reclaimed)
        {
            return;
        }

        if (change.Kind == EntryChangeKind.Flushed)
        {
            Flushing();
            return;
        }

        ref var list = ref _watchers.Find(change.Key);
        if (!Unsafe.IsNullRef(ref list))
        {
            MarkDirty(list);
        }
    }

    /// <summary>Before a flush: the watchers of every key still in the table (tombstones aside) see a modification.</summary>
    private void Flushing()
    {
        for (var i = 0; i < _watchers.EntryLimit; i++)
        {
            if (_watchers.IsOccupied(i) && _table.IndexOf(_watchers.KeyAt(i)) is var index && index >= 0
                && _table.EntryAt(index).Kind != ValueKind.Tombstone)
            {
                MarkDirty(_watchers.ValueAt(i));
            }
        }
    }

    private static void MarkDirty(List<WatchState> watchers)
    {
        foreach (var w in watchers)
        {
            w.Dirty = true;
        }
    }
}
