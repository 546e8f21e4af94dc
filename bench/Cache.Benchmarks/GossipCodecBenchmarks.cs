using BenchmarkDotNet.Attributes;
using Cache.Gossip;
using Cache.Gossip.Wire;

namespace Cache.Benchmarks;

/// <summary>Cost of building and opening one full gossip packet (ping + piggybacked alive messages), plain and AES-GCM.</summary>
[MemoryDiagnoser]
public class GossipCodecBenchmarks
{
    private readonly WireWriter _writer = new(2048);
    private byte[] _label = [];
    private Keyring? _keyring;
    private byte[] _packet = [];
    private readonly string[] _names = [.. Enumerable.Range(0, 40).Select(i => $"node-{i:D4}")];

    /// <summary>Whether packets are encrypted.</summary>
    [Params(false, true)]
    public bool Encrypted { get; set; }

    /// <summary>Builds one packet to open.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _label = PacketEnvelope.LabelBytes("prod");
        _keyring = Encrypted ? new Keyring(new byte[32]) : null;
        _packet = Build();
    }

    /// <summary>Ping plus 40 alive messages, sealed.</summary>
    [Benchmark]
    public int Seal() => Build().Length;

    /// <summary>Opens the envelope and decodes every message.</summary>
    [Benchmark]
    public int Open()
    {
        if (!PacketEnvelope.TryOpen(_packet, _label, _keyring, out var body, out _))
        {
            return -1;
        }

        var r = new WireReader(body.Span);
        var count = 0;
        while (!r.End && MessageCodec.TryReadFrame(ref r, out var type, out var payload))
        {
            if (type == MessageType.Alive && MessageCodec.TryRead(payload, out AliveMessage _))
            {
                count++;
            }
            else if (type == MessageType.Ping && MessageCodec.TryRead(payload, out PingMessage _))
            {
                count++;
            }
        }

        return count;
    }

    private byte[] Build()
    {
        _writer.Reset();
        MessageCodec.Write(_writer, new PingMessage(42, "node-0017", "node-0003", "10.0.0.3:7946"));
        for (var i = 0; i < 40; i++)
        {
            MessageCodec.Write(_writer, new AliveMessage((uint)i, _names[i], "10.0.0.9:7946", []));
        }

        return PacketEnvelope.Seal(_writer.WrittenSpan, _label, _keyring);
    }
}
