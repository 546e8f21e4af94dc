using System.Runtime.CompilerServices;

namespace Cache.Node.Storage;

/// <summary>
/// Records the keys a command changes while a primary runs it, so it can replicate them after.
/// Expiries, evictions and reclaimed tombstones are not recorded: replicas expire and evict on
/// their own, and a tombstone's reclaim changes nothing they could see.
/// </summary>
internal sealed class ReplicationCapture
{
    private readonly List<byte[]> _keys = [];
    private readonly List<EntryVersion> _bases = [];
    private bool _capturing;

    /// <summary>
    /// Per key of the last <see cref="End"/>, in order: its version before the command's first
    /// change to it (<see cref="EntryVersion.None"/> when new, or when that change was a
    /// <see cref="KeySpace.Touch"/>, which carries no version): the base a delta applies to.
    /// </summary>
    public IReadOnlyList<EntryVersion> Bases => _bases;

    /// <summary>Starts recording (clearing what the last command recorded).</summary>
    public void Begin()
    {
        _keys.Clear();
        _bases.Clear();
        _capturing = true;
    }

    /// <summary>Stops recording; the keys changed since <see cref="Begin"/>, possibly repeated.</summary>
    public List<byte[]> End()
    {
        _capturing = false;
        return _keys;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnEntryChanged(in EntryChange change)
    {
        if (_capturing)
        {
            Record(change);
        }
    }

    private void Record(in EntryChange change)
    {
        if (change.Kind is EntryChangeKind.Expired or EntryChangeKind.Evicted or EntryChangeKind.Reclaimed or EntryChangeKind.Flushed)
        {
            return;
        }

        // One write versions an entry several times (add, value, expiry): record it once.
        if (_keys.Count > 0 && change.Key.SequenceEqual(_keys[^1]))
        {
            return;
        }

        _keys.Add(change.Key.ToArray());
        _bases.Add(change.Before);
    }
}
