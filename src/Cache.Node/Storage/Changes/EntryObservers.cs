using System.Runtime.CompilerServices;

namespace Cache.Node.Storage;

/// <summary>
/// The engine's observers of <see cref="EntryChange"/>: the three it always has, called directly
/// (sealed types, no interface dispatch on the hot path), then any registered later, in order.
/// </summary>
internal sealed class EntryObservers
{
    private IEntryObserver[] _extra = [];

    public EntryObservers(SlotDigests digests, WatchRegistry watches, ReplicationCapture capture)
    {
        Digests = digests;
        Watches = watches;
        Capture = capture;
    }

    public SlotDigests Digests { get; }

    public WatchRegistry Watches { get; }

    public ReplicationCapture Capture { get; }

    /// <summary>Adds an observer after the built-in ones; it sees every change from now on.</summary>
    public void Add(IEntryObserver observer) => _extra = [.. _extra, observer];

    /// <summary>Removes an observer added before (a call in progress still reaches it once).</summary>
    public void Remove(IEntryObserver observer) => _extra = Array.FindAll(_extra, o => o != observer);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Raise(in EntryChange change)
    {
        Digests.OnEntryChanged(change);
        Watches.OnEntryChanged(change);
        Capture.OnEntryChanged(change);
        var extra = _extra;
        for (var i = 0; i < extra.Length; i++)
        {
            extra[i].OnEntryChanged(change);
        }
    }
}
