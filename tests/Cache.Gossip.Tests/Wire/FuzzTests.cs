using Cache.Gossip.Tests.Simulation;
using Cache.Gossip.Wire;

namespace Cache.Gossip.Tests.Wire;

public sealed class FuzzTests
{
    private static List<byte[]> ValidBodies()
    {
        var w = new WireWriter();
        var bodies = new List<byte[]>();
        void Add(Action<WireWriter> write)
        {
            w.Reset();
            write(w);
            bodies.Add(w.ToArray());
        }

        Add(x => MessageCodec.Write(x, new PingMessage(7, "target", "src", "src")));
        Add(x => MessageCodec.Write(x, new IndirectPingMessage(8, "peer", "peer", true, "src", "src")));
        Add(x =>
        {
            MessageCodec.Write(x, new AckMessage(9));
            MessageCodec.Write(x, new AliveMessage(3, "other", "other", [1, 2, 3]));
            MessageCodec.Write(x, new SuspectMessage(3, "other", "src"));
            MessageCodec.Write(x, new DeadMessage(4, "other", "src"));
            MessageCodec.Write(x, new NackMessage(9));
        });
        Add(x => MessageCodec.WritePushPull(x, true, "src", [new PushPullEntry("a", "a", 1, MemberState.Alive, []), new PushPullEntry("target", "target", 9, MemberState.Dead, [5])]));
        return bodies;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Random_and_mutated_packets_are_dropped_or_handled_never_thrown(bool encrypted)
    {
        var key = encrypted ? new byte[32] : null;
        await using var c = new SimCluster(seed: 21, o => o.SecretKey = key);
        var target = c.Add("target");
        var peer = c.Add("peer");
        peer.StartJoin("target");
        c.Clock.Advance(TimeSpan.FromSeconds(2));
        var ring = key is null ? null : new Keyring(key);
        var random = new Random(1234);
        var bodies = ValidBodies();
        var sender = "fuzzer"u8.ToArray();
        var sequence = ReplayGuard.SequenceAt(c.Clock.GetUtcNow());
        byte[] Seal(byte[] body) => PacketEnvelope.Seal(body, [], ring, sender, ++sequence);
        for (var i = 0; i < 20_000; i++)
        {
            byte[] packet;
            switch (i % 4)
            {
                case 0: // pure garbage
                    packet = new byte[random.Next(0, 200)];
                    random.NextBytes(packet);
                    break;
                case 1: // valid envelope around a mutated body: exercises the message decoders
                    var body = (byte[])bodies[random.Next(bodies.Count)].Clone();
                    Mutate(body, random);
                    packet = Seal(body);
                    break;
                case 2: // a valid packet with flipped bytes (checksum or tag must catch it)
                    packet = Seal(bodies[random.Next(bodies.Count)]);
                    Mutate(packet, random);
                    break;
                default: // truncated valid packet
                    var whole = Seal(bodies[random.Next(bodies.Count)]);
                    packet = whole.AsSpan(0, random.Next(whole.Length)).ToArray();
                    break;
            }

            target.OnPacket("fuzzer", packet);
            target.OnStream("fuzzer", packet);
        }

        Assert.True(target.Stats.DroppedTotal > 10_000, target.Stats.DroppedTotal.ToString());
        if (!encrypted)
        {
            Assert.True(target.Stats.Dropped(DropReason.BadChecksum) > 0);
        }
        else
        {
            Assert.True(target.Stats.Dropped(DropReason.DecryptFailed) > 0);
            Assert.Equal(0, target.Stats.Dropped(DropReason.Stale)); // so the message decoders did run
        }

        Assert.True(target.Stats.Dropped(DropReason.Truncated) > 0);
        // Still a working member afterwards.
        c.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(MemberState.Alive, peer.Members["target"]!.State);
        Assert.Equal(MemberState.Alive, target.Members["peer"]!.State);
    }

    private static void Mutate(byte[] data, Random random)
    {
        if (data.Length == 0)
        {
            return;
        }

        var flips = random.Next(1, 4);
        for (var f = 0; f < flips; f++)
        {
            var at = random.Next(data.Length);
            data[at] = random.Next(3) switch
            {
                0 => (byte)(data[at] ^ (1 << random.Next(8))),
                1 => (byte)random.Next(256),
                _ => 0xFF,
            };
        }
    }
}
