using System.Buffers.Binary;
using System.Text;
using K4os.Hash.xxHash;

namespace Cache.Gossip.Ring;

/// <summary>The assignment behind <see cref="SlotMap"/>: weighted rendezvous hashing with bounded loads.</summary>
internal static class SlotAssigner
{
    public static int[] Assign(RingNode[] nodes, int copies, double balance)
    {
        var n = nodes.Length;
        var nodeHashes = nodes.Select(node => XXH64.DigestOf(Encoding.UTF8.GetBytes(node.Id))).ToArray();
        var weights = nodes.Select(node => (double)Math.Max(1, node.Weight)).ToArray();
        var totalWeight = weights.Sum();
        // Equal weights need no logarithm: comparing the hashes ranks the same and is exact on every platform.
        var uniform = weights.All(w => w == weights[0]);

        // Each copy rank (primary, second, ...) is balanced on its own, so primaries spread too.
        var capacity = new int[n];
        var load = new int[copies, n];
        for (var i = 0; i < n; i++)
        {
            // At most balance × the fair share (rounded down, so max/mean stays within it), but never
            // below the fair share rounded up, so the capacities always add up to every slot.
            var share = HashSlot.Count * weights[i] / totalWeight;
            capacity[i] = Math.Max((int)Math.Ceiling(share), (int)Math.Floor(share * balance));
        }

        var owners = new int[HashSlot.Count * copies];
        var scores = new double[n];
        var order = new int[n];
        Span<byte> input = stackalloc byte[12];
        for (var slot = 0; slot < HashSlot.Count; slot++)
        {
            for (var i = 0; i < n; i++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(input, nodeHashes[i]);
                BinaryPrimitives.WriteInt32LittleEndian(input[8..], slot);
                var h = XXH64.DigestOf(input);
                // Weighted rendezvous: -w / ln(u), u uniform in (0, 1).
                var u = ((h >> 11) + 0.5) / (1UL << 53);
                scores[i] = uniform ? h >> 11 : -weights[i] / Math.Log(u);
                order[i] = i;
            }

            Array.Sort(order, (a, b) => scores[b].CompareTo(scores[a]));
            var chosen = owners.AsSpan(slot * copies, copies);
            for (var rank = 0; rank < copies; rank++)
            {
                var pick = Pick(nodes, order, chosen[..rank], capacity, load, rank);
                chosen[rank] = pick;
                load[rank, pick]++;
            }
        }

        return owners;
    }

    // Best-scoring node that is not yet an owner, has room at this rank and (if possible) a new zone.
    private static int Pick(RingNode[] nodes, int[] order, ReadOnlySpan<int> taken, int[] capacity, int[,] load, int rank)
    {
        var fallback = -1;
        var roomy = -1;
        foreach (var candidate in order)
        {
            if (taken.Contains(candidate))
            {
                continue;
            }

            if (fallback < 0)
            {
                fallback = candidate;
            }

            if (load[rank, candidate] >= capacity[candidate])
            {
                continue;
            }

            if (roomy < 0)
            {
                roomy = candidate;
            }

            if (NewZone(nodes, candidate, taken))
            {
                return candidate;
            }
        }

        return roomy >= 0 ? roomy : fallback;
    }

    private static bool NewZone(RingNode[] nodes, int candidate, ReadOnlySpan<int> taken)
    {
        var zone = nodes[candidate].Zone;
        if (zone is null)
        {
            return true;
        }

        foreach (var owner in taken)
        {
            if (string.Equals(nodes[owner].Zone, zone, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
