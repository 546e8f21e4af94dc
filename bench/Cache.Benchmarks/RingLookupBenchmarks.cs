using System.Text;
using BenchmarkDotNet.Attributes;
using Cache.Gossip.Ring;

namespace Cache.Benchmarks;

/// <summary>
/// What the ring costs on the request path and on a membership change: the slot and owner list
/// of one 16-byte key (every keyed command does this once), and rebuilding the whole slot table
/// for 3, 10 and 100 nodes with 3 copies per slot (done once per join, leave or failure).
/// </summary>
[MemoryDiagnoser]
public class RingLookupBenchmarks
{
    private const int Replicas = 3;
    private readonly byte[] _key = Encoding.ASCII.GetBytes("user:0000012345:");
    private RingNode[] _members = [];
    private SlotMap _map = SlotMap.Empty;

    /// <summary>Cluster size.</summary>
    [Params(3, 10, 100)]
    public int Nodes { get; set; }

    /// <summary>Members named as the nodes name themselves (host:port).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _members = [.. Enumerable.Range(0, Nodes).Select(i => new RingNode($"127.0.0.1:{7000 + i}"))];
        _map = SlotMap.Build(_members, Replicas);
    }

    /// <summary>CRC16 slot of a 16-byte key, then its owner indices (primary first).</summary>
    [Benchmark]
    public int KeyToOwners()
    {
        var owners = _map.OwnerIndices(HashSlot.ForKey(_key));
        return owners[0] + owners[^1];
    }

    /// <summary>The full 16384-slot table from the member list.</summary>
    [Benchmark]
    public ulong Build() => SlotMap.Build(_members, Replicas).Hash;
}
