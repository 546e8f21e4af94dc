using Cache.Node.Storage;

namespace Cache.Node.Cluster;

/// <summary>
/// What anti-entropy and hand-off ask of another replica: its slot digests, its entries of some
/// slots, and to merge entries sent to it. Over RESP between servers (<see cref="RespReplicaPeer"/>);
/// over a simulated, lossy network with fake time in the property tests.
/// </summary>
internal interface IReplicaPeer
{
    /// <summary>The 128 segment digests of the slots <paramref name="mask"/> selects (see <see cref="ReplicaDigests.Tree"/>).</summary>
    Task<byte[]> TreeAsync(byte[] mask, CancellationToken cancellationToken);

    /// <summary>The digest of each slot <paramref name="mask"/> selects, in slot order.</summary>
    Task<byte[]> DigestsAsync(byte[] mask, CancellationToken cancellationToken);

    /// <summary>One page of the peer's entries (tombstones included) of the slots <paramref name="slots"/> selects.</summary>
    Task<ExportPage> PullAsync(long cursor, int count, byte[] slots, CancellationToken cancellationToken);

    /// <summary>One page of the leaves (key, entry hash) of the peer's entries of the slots <paramref name="slots"/> selects.</summary>
    Task<LeafPage> LeavesAsync(long cursor, int count, byte[] slots, CancellationToken cancellationToken);

    /// <summary>
    /// The peer's entries (tombstones included) of <paramref name="keys"/>, keys it does not hold
    /// left out; it may answer only the first names (large values), and says how many.
    /// </summary>
    Task<(int Answered, List<(byte[] Key, ReplicatedEntry Entry)> Entries)> FetchAsync(IReadOnlyList<byte[]> keys, CancellationToken cancellationToken);

    /// <summary>
    /// Hands entries of slots this node does not own to an owner: the peer merges them only if its
    /// ring is <paramref name="ringHash"/> (both agree it owns them); false when it refused.
    /// </summary>
    Task<bool> HandOffAsync(IReadOnlyList<(byte[] Key, ReplicatedEntry Entry)> entries, ulong ringHash, CancellationToken cancellationToken);

    /// <summary>Has the peer merge <paramref name="entries"/>; how many replaced its own.</summary>
    Task<int> ApplyAsync(IReadOnlyList<(byte[] Key, ReplicatedEntry Entry)> entries, CancellationToken cancellationToken);
}
