using Cache.Gossip.Ring;

namespace Cache.Node.Cluster;

/// <summary>The replicated writes of one batch of a client's commands, per target node, and whether they reached their quorum.</summary>
internal sealed class ReplicationBatch(SlotMap ring)
{
    private readonly TaskCompletionSource<bool> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The ring the owners were taken from.</summary>
    public SlotMap Ring => ring;

    /// <summary>Per target node (index in <see cref="Ring"/>): the APPLY arguments.</summary>
    public Dictionary<int, List<ReadOnlyMemory<byte>>> Targets { get; } = [];

    /// <summary>Per slot written: acknowledgements still needed from other owners.</summary>
    public Dictionary<int, int> Needs { get; } = [];

    /// <summary>Roughly how much the batch will send; a large one goes early.</summary>
    public long Bytes { get; set; }

    /// <summary>True once every slot reached its write quorum; false when one did not.</summary>
    public Task<bool> Done => _done.Task;

    public void Complete(bool quorum) => _done.TrySetResult(quorum);

    public void Fail(Exception failure) => _done.TrySetException(failure);
}
