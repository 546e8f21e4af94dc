using Cache.Gossip.Ring;
using Cache.Node.Storage;

namespace Cache.Node.Cluster;

/// <summary>The replicated writes of one batch of a client's commands, per target node, and whether they reached their quorum.</summary>
internal sealed class ReplicationBatch(SlotMap ring, SlotMap voters)
{
    private readonly TaskCompletionSource<bool> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The ring of the members that were up: where the copies go.</summary>
    public SlotMap Ring => ring;

    /// <summary>The voters' ring: whose acknowledgements count toward a slot's quorum.</summary>
    public SlotMap Voters => voters;

    /// <summary>Per target node (member name): the APPLY arguments.</summary>
    public Dictionary<string, List<ReadOnlyMemory<byte>>> Targets { get; } = new(StringComparer.Ordinal);

    /// <summary>Per slot written: acknowledgements still needed from other owners.</summary>
    public Dictionary<int, int> Needs { get; } = [];

    /// <summary>What this node wrote, per key: a slot that misses its quorum drops the entries it still holds at these versions.</summary>
    public List<(int Slot, byte[] Key, EntryVersion Version)> Written { get; } = [];

    /// <summary>Roughly how much the batch will send; a large one goes early.</summary>
    public long Bytes { get; set; }

    /// <summary>True once every slot reached its write quorum; false when one did not.</summary>
    public Task<bool> Done => _done.Task;

    public void Complete(bool quorum) => _done.TrySetResult(quorum);

    public void Fail(Exception failure) => _done.TrySetException(failure);
}
