using System.Buffers.Binary;
using System.IO.Compression;
using Cache.Gossip.Tests.Simulation;
using Cache.Gossip.Transport;
using Cache.Gossip.Wire;

namespace Cache.Gossip.Tests.Hardening;

/// <summary>No allocation is sized by an unchecked length field, and no deflated body inflates past its limit.</summary>
public sealed class DecoderBoundsTests
{
    private static long Allocated(Action action)
    {
        action(); // warm up: JIT and static state are not what is measured
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static byte[] Deflate(int zeros)
    {
        using var output = new MemoryStream();
        using (var deflater = new DeflateStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var chunk = new byte[1 << 20];
            for (var left = zeros; left > 0; left -= chunk.Length)
            {
                deflater.Write(chunk, 0, Math.Min(left, chunk.Length));
            }
        }

        return output.ToArray();
    }

    [Fact]
    public void A_push_pull_count_the_bytes_cannot_hold_is_refused_before_allocating()
    {
        var w = new WireWriter();
        w.WriteByte(0);
        w.WriteString("me");
        w.WriteVarUInt(1_000_000); // claims a million members
        w.WriteBytes(new byte[1_000_000]); // a byte each: room for a sixth of them
        var payload = w.ToArray();

        var bytes = Allocated(() => Assert.False(MessageCodec.TryReadPushPull(payload, out _, out _, out _)));

        Assert.True(bytes < 16 * 1024, bytes.ToString()); // a list sized by the count would be about 40 MB
    }

    [Fact]
    public void A_push_pull_over_the_protocol_maximum_is_refused_even_with_the_bytes()
    {
        var w = new WireWriter();
        w.WriteByte(0);
        w.WriteString("me");
        w.WriteVarUInt(MessageCodec.MaxPushPullEntries + 1UL);
        w.WriteBytes(new byte[(MessageCodec.MaxPushPullEntries + 1) * 6]);
        Assert.False(MessageCodec.TryReadPushPull(w.ToArray(), out _, out _, out _));
    }

    [Theory]
    [InlineData(new byte[] { (byte)MessageType.Alive, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 1 })] // frame longer than the body
    [InlineData(new byte[] { (byte)MessageType.Alive, 6, 1, 1, (byte)'a', 0, 0xFF, 0x7F })] // metadata longer than its limit
    [InlineData(new byte[] { (byte)MessageType.Ping, 3, 1, 200, (byte)'t' })] // a string longer than the frame
    [InlineData(new byte[] { (byte)MessageType.Ack, 10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF })] // a varint past 64 bits
    public void Lengths_beyond_the_remaining_bytes_are_refused(byte[] body)
    {
        Assert.True(GossipDecoders.DecodeBody(body) < 0);
        Assert.True(Allocated(() => GossipDecoders.DecodeBody(body)) < 1024);
    }

    [Fact]
    public void A_decompression_bomb_is_refused_at_the_limit_without_allocating_it()
    {
        var bomb = Deflate(64 << 20); // 64 MiB of zeros in about 64 KiB
        var packet = PacketEnvelope.Seal(bomb, [], null, PacketEnvelope.FlagDeflated);
        var reason = DropReason.Truncated;

        var bytes = Allocated(() => Assert.False(PacketEnvelope.TryOpen(packet, [], null, PacketEnvelope.MaxStreamBody, out _, out _, out reason)));

        Assert.Equal(DropReason.TooLarge, reason);
        Assert.True(bytes < 1 << 20, bytes.ToString());
        // Within the limit the same path inflates exactly.
        var fine = PacketEnvelope.Seal(Deflate(100_000), [], null, PacketEnvelope.FlagDeflated);
        Assert.True(PacketEnvelope.TryOpen(fine, [], null, PacketEnvelope.MaxStreamBody, out var body, out _, out _));
        Assert.Equal(100_000, body.Length);
    }

    [Fact]
    public async Task A_datagram_may_not_inflate_beyond_a_datagram()
    {
        await using var c = new SimCluster(seed: 71);
        var node = c.Add("n0");
        var attacker = new RawPeer(c.Network, "attacker");
        attacker.Send("n0", PacketEnvelope.Seal(Deflate(PacketEnvelope.MaxPacketBody + 1), [], null, PacketEnvelope.FlagDeflated));
        c.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, node.Stats.Dropped(DropReason.TooLarge));
    }

    [Fact]
    public async Task A_stream_frame_announcing_16_MiB_allocates_only_what_arrives()
    {
        var frame = new byte[4 + 10];
        BinaryPrimitives.WriteInt32BigEndian(frame, (16 << 20) - 1);
        long bytes = 0;
        for (var round = 0; round < 2; round++) // the first round warms up
        {
            using var stream = new MemoryStream(frame, writable: false);
            var before = GC.GetAllocatedBytesForCurrentThread();
            var read = SocketTransport.ReadFrameAsync(stream, default);
            Assert.True(read.IsCompleted); // a memory stream completes synchronously, on this thread
            bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            await Assert.ThrowsAsync<EndOfStreamException>(() => read);
        }

        Assert.True(bytes < 256 * 1024, bytes.ToString());
    }
}
