using System.Buffers.Binary;
using System.Text;
using Cache.Gossip.Ring;
using K4os.Hash.xxHash;

namespace Cache.Benchmarks;

/// <summary>
/// The classic consistent-hashing ring, kept here only to compare with <see cref="SlotMap"/>:
/// each node puts <c>pointsPerWeight × weight</c> points, xxHash64(id + "#" + i), on a 64-bit
/// circle; a slot's owners are the first distinct nodes met walking clockwise from
/// xxHash64(slot). No load bound: balance is whatever the points give.
/// </summary>
internal sealed class VirtualNodeRing
{
    private readonly ulong[] _points;
    private readonly int[] _pointNodes;

    public VirtualNodeRing(IReadOnlyList<RingNode> nodes, int pointsPerWeight)
    {
        var total = nodes.Sum(n => pointsPerWeight * Math.Max(1, n.Weight));
        _points = new ulong[total];
        _pointNodes = new int[total];
        var k = 0;
        for (var node = 0; node < nodes.Count; node++)
        {
            var count = pointsPerWeight * Math.Max(1, nodes[node].Weight);
            for (var i = 0; i < count; i++)
            {
                _points[k] = XXH64.DigestOf(Encoding.UTF8.GetBytes($"{nodes[node].Id}#{i}"));
                _pointNodes[k++] = node;
            }
        }

        Array.Sort(_points, _pointNodes);
    }

    /// <summary>Bytes the ring itself holds: one hash and one node index per point.</summary>
    public long RingBytes => _points.Length * (sizeof(ulong) + sizeof(int));

    /// <summary>The owners of every slot, <paramref name="copies"/> per slot, primary first.</summary>
    public int[] AssignSlots(int copies)
    {
        var owners = new int[HashSlot.Count * copies];
        Span<byte> input = stackalloc byte[sizeof(int)];
        for (var slot = 0; slot < HashSlot.Count; slot++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(input, slot);
            var start = Array.BinarySearch(_points, XXH64.DigestOf(input));
            var at = start < 0 ? ~start : start;
            var chosen = owners.AsSpan(slot * copies, copies);
            var found = 0;
            while (found < copies)
            {
                if (at == _points.Length)
                {
                    at = 0;
                }

                var node = _pointNodes[at++];
                if (!chosen[..found].Contains(node))
                {
                    chosen[found++] = node;
                }
            }
        }

        return owners;
    }
}
