using System.Runtime.InteropServices;
using System.Text;
using K4os.Hash.xxHash;

namespace Cache.Gossip.Ring;

/// <summary>
/// Which nodes own each of the 16384 slots: an immutable table every node and client computes
/// the same way from the same members. Owners are chosen by weighted rendezvous hashing
/// (xxHash64) with bounded loads: each slot ranks the nodes by score, takes the best ones that
/// still have room, so the table is balanced to within <c>balance</c> while a join or leave moves
/// only a small share of slots. The first owner of a slot is its primary.
/// </summary>
public sealed class SlotMap
{
    private readonly int[] _owners;   // Count × Replicas node indices, primary first

    private SlotMap(RingNode[] nodes, int replicas, int[] owners, ulong hash)
    {
        Nodes = nodes;
        Replicas = replicas;
        _owners = owners;
        Hash = hash;
    }

    /// <summary>The members, ordered by id.</summary>
    public IReadOnlyList<RingNode> Nodes { get; }

    /// <summary>Owners per slot: the requested copies, or fewer while the cluster is smaller.</summary>
    public int Replicas { get; }

    /// <summary>A digest of the inputs; two maps with the same hash are the same table.</summary>
    public ulong Hash { get; }

    /// <summary>An empty map: no nodes, no owners.</summary>
    public static SlotMap Empty { get; } = new([], 0, [], 0);

    /// <summary>Builds the table for <paramref name="members"/>; the input order does not matter.</summary>
    public static SlotMap Build(IEnumerable<RingNode> members, int replicas, double balance = 1.05)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(balance, 1.0);
        var nodes = members.OrderBy(n => n.Id, StringComparer.Ordinal).ToArray();
        if (nodes.Select(n => n.Id).Distinct(StringComparer.Ordinal).Count() != nodes.Length)
        {
            throw new ArgumentException("Node ids must be unique.", nameof(members));
        }

        if (nodes.Length == 0)
        {
            return Empty;
        }

        var copies = Math.Min(replicas, nodes.Length);
        var owners = SlotAssigner.Assign(nodes, copies, balance);
        return new SlotMap(nodes, copies, owners, Digest(nodes, copies, balance));
    }

    /// <summary>The index of the node <paramref name="id"/> in <see cref="Nodes"/>, or -1 when it is not a member.</summary>
    public int IndexOf(string id)
    {
        // Nodes are sorted by id (ordinal), so a binary search finds it.
        int low = 0, high = Nodes.Count - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            var order = string.CompareOrdinal(Nodes[middle].Id, id);
            if (order == 0)
            {
                return middle;
            }

            if (order < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return -1;
    }

    /// <summary>The owners of <paramref name="slot"/>, primary first, as indices into <see cref="Nodes"/>.</summary>
    public ReadOnlySpan<int> OwnerIndices(int slot) => _owners.AsSpan(slot * Replicas, Replicas);

    /// <summary>The owners of <paramref name="slot"/>, primary first.</summary>
    public IEnumerable<RingNode> OwnersOf(int slot)
    {
        for (var i = 0; i < Replicas; i++)
        {
            yield return Nodes[_owners[(slot * Replicas) + i]];
        }
    }

    /// <summary>The primary owner of <paramref name="slot"/>, or null for an empty map.</summary>
    public RingNode? PrimaryOf(int slot) => Replicas == 0 ? null : Nodes[_owners[slot * Replicas]];

    /// <summary>The owners of the slot of <paramref name="key"/>.</summary>
    public IEnumerable<RingNode> OwnersOfKey(ReadOnlySpan<byte> key) => OwnersOf(HashSlot.ForKey(key));

    private static ulong Digest(RingNode[] nodes, int replicas, double balance)
    {
        var text = new StringBuilder().Append(replicas).Append('|').Append(balance.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        foreach (var n in nodes)
        {
            text.Append('|').Append(n.Id).Append(',').Append(n.Weight).Append(',').Append(n.Zone);
        }

        return XXH64.DigestOf(MemoryMarshal.AsBytes(text.ToString().AsSpan()));
    }
}
