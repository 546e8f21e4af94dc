using System.Buffers.Binary;
using System.Text;
using Cache.Client.Resp;
using Cache.Gossip.Ring;
using Cache.Node.Storage;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Cluster;

/// <summary>GOSSIPCACHE TREE and DIGESTS: 1 KB tells two replicas they agree, and a difference narrows to its slot.</summary>
public sealed class DigestExchangeTests : IAsyncLifetime
{
    private readonly List<TestNode> _nodes = [];

    public async Task InitializeAsync() => _nodes.AddRange(await TestCluster.StartAsync(2, o => o.AntiEntropyInterval = 0));   // rounds would repair the divergence under test

    public Task DisposeAsync() => TestCluster.StopAsync(_nodes);

    [Fact]
    public async Task Replicas_with_the_same_writes_agree_and_one_divergent_key_shows_in_one_segment_and_one_slot()
    {
        await using (var client = await _nodes[0].ConnectAsync())
        {
            for (var i = 0; i < 200; i++)
            {
                // Two copies, quorum two: acknowledged means both nodes hold it.
                Assert.Equal("+OK\r\n", await client.CallAsync("SET", $"tree:{i}", $"{i}"));
            }
        }

        var all = Enumerable.Repeat((byte)0xFF, HashSlot.Count / 8).ToArray();
        var first = await TreeAsync(_nodes[0], all);
        Assert.Equal(128 * 8, first.Length);
        Assert.Equal(first, await TreeAsync(_nodes[1], all));

        // A newer write only node 1 has.
        var key = Encoding.UTF8.GetBytes("tree:7");
        var keys = _nodes[1].Server.Keys;
        using (keys.Enter())
        {
            var current = keys.Export(key)!.Value;
            Assert.True(keys.Apply(key, current with { Version = new EntryVersion(current.Version.Clock + 1, current.Version.Node), Value = "changed"u8.ToArray() }));
        }

        var left = await TreeAsync(_nodes[0], all);
        var right = await TreeAsync(_nodes[1], all);
        var differing = Enumerable.Range(0, 128).Where(s => !left.AsSpan(s * 8, 8).SequenceEqual(right.AsSpan(s * 8, 8))).ToList();
        var slot = HashSlot.ForKey(key);
        Assert.Equal([slot / KeySpace.SlotsPerSegment], differing);

        var segmentMask = new byte[HashSlot.Count / 8];
        for (var s = differing[0] * KeySpace.SlotsPerSegment; s < (differing[0] + 1) * KeySpace.SlotsPerSegment; s++)
        {
            segmentMask[s >> 3] |= (byte)(1 << (s & 7));
        }

        var leftSlots = await DigestsAsync(_nodes[0], segmentMask);
        var rightSlots = await DigestsAsync(_nodes[1], segmentMask);
        var differingSlots = Enumerable.Range(0, KeySpace.SlotsPerSegment)
            .Where(i => BinaryPrimitives.ReadUInt64LittleEndian(leftSlots.AsSpan(i * 8)) != BinaryPrimitives.ReadUInt64LittleEndian(rightSlots.AsSpan(i * 8)))
            .Select(i => (differing[0] * KeySpace.SlotsPerSegment) + i);
        Assert.Equal([slot], differingSlots);
    }

    private static async Task<byte[]> TreeAsync(TestNode node, byte[] mask) => await CallAsync(node, "TREE", mask);

    private static async Task<byte[]> DigestsAsync(TestNode node, byte[] mask) => await CallAsync(node, "DIGESTS", mask);

    private static async Task<byte[]> CallAsync(TestNode node, string sub, byte[] mask)
    {
        await using var connection = await node.ConnectPeerLinkAsync();
        var reply = (await connection.ExecuteAsync(["GOSSIPCACHE"u8.ToArray(), Encoding.ASCII.GetBytes(sub), mask])).ThrowIfError();
        return reply.Bytes!;
    }
}
