using Cache.Node.Cluster;
using Cache.Node.Storage;

namespace Cache.Node.Tests.Cluster.Simulation;

/// <summary>
/// <see cref="IReplicaPeer"/> from one simulated node to another: each call is a request and a
/// reply on the simulated network (lost across a partition or to a dead node, held by a paused
/// one), answered by the same <see cref="ReplicaDigests"/> code the server runs.
/// </summary>
internal sealed class SimReplicaPeer(ReplicaSimulation world, SimReplica from, SimReplica to) : IReplicaPeer
{
    public Task<byte[]> TreeAsync(byte[] mask, CancellationToken cancellationToken) =>
        world.Call(from, to, target => ReplicaDigests.Tree(target.Keys, mask));

    public Task<byte[]> DigestsAsync(byte[] mask, CancellationToken cancellationToken) =>
        world.Call(from, to, target => ReplicaDigests.Digests(target.Keys, mask));

    public Task<ExportPage> PullAsync(long cursor, int count, byte[] slots, CancellationToken cancellationToken) =>
        world.Call(from, to, target => ReplicaDigests.Export(target.Keys, cursor, count, slots), (requester, page) =>
        {
            // ReplicaSync merges every entry of the page into the requester's key space.
            foreach (var (key, entry) in page.Entries)
            {
                requester.Observe(ReplicaSimulation.KeyName(key), entry);
            }
        });

    public Task<LeafPage> LeavesAsync(long cursor, int count, byte[] slots, CancellationToken cancellationToken) =>
        world.Call(from, to, target => ReplicaDigests.Leaves(target.Keys, cursor, count, slots));

    public Task<(int Answered, List<(byte[] Key, ReplicatedEntry Entry)> Entries)> FetchAsync(IReadOnlyList<byte[]> keys, CancellationToken cancellationToken) =>
        world.Call(from, to, target => ReplicaDigests.Fetch(target.Keys, keys), (requester, page) =>
        {
            foreach (var (key, entry) in page.Entries)
            {
                requester.Observe(ReplicaSimulation.KeyName(key), entry);
            }
        });

    // Every simulated node acts on the world's ring; a sender that planned on an older ring is refused, as on a server.
    public Task<bool> HandOffAsync(IReadOnlyList<(byte[] Key, ReplicatedEntry Entry)> entries, ulong ringHash, CancellationToken cancellationToken) =>
        world.Call(from, to, target =>
        {
            if (world.Ring.Hash != ringHash)
            {
                return false;
            }

            foreach (var (key, entry) in entries)
            {
                target.Observe(ReplicaSimulation.KeyName(key), entry);
            }

            Merge(target, entries);
            return true;
        });

    public Task<int> ApplyAsync(IReadOnlyList<(byte[] Key, ReplicatedEntry Entry)> entries, CancellationToken cancellationToken) =>
        world.Call(from, to, target =>
        {
            foreach (var (key, entry) in entries)
            {
                target.Observe(ReplicaSimulation.KeyName(key), entry);
            }

            return Merge(target, entries);
        });

    // What the server's APPLY and HANDOFF do once the request is validated.
    private static int Merge(SimReplica target, IReadOnlyList<(byte[] Key, ReplicatedEntry Entry)> entries)
    {
        var applied = 0;
        foreach (var (key, entry) in entries)
        {
            applied += target.Keys.Apply(key, entry) ? 1 : 0;
        }

        return applied;
    }
}
