using System.Text;
using Cache.Gossip.Wire;

namespace Cache.Fuzz;

/// <summary>Writes well-formed gossip bodies and packets as seed inputs (<c>Cache.Fuzz --gossip-seeds dir</c>).</summary>
internal static class GossipSeeds
{
    public static void Write(string directory)
    {
        var w = new WireWriter();
        MessageCodec.Write(w, new PingMessage(7, "node-b", "node-a", "127.0.0.1:7946"));
        MessageCodec.Write(w, new AckMessage(7));
        MessageCodec.Write(w, new AliveMessage(3, "node-c", "127.0.0.1:7947", [1, 2, 3]));
        MessageCodec.Write(w, new SuspectMessage(4, "node-c", "node-a"));
        var body = w.ToArray();

        var push = new WireWriter();
        MessageCodec.WritePushPull(push, join: true, "node-a", [new PushPullEntry("node-b", "127.0.0.1:7948", 2, MemberState.Alive, [9])]);

        Directory.CreateDirectory(Path.Combine(directory, "gossip-message"));
        Directory.CreateDirectory(Path.Combine(directory, "gossip-packet"));
        File.WriteAllBytes(Path.Combine(directory, "gossip-message", "ping-ack-alive-suspect"), body);
        File.WriteAllBytes(Path.Combine(directory, "gossip-message", "push-pull"), push.ToArray());

        var label = Encoding.UTF8.GetBytes("fuzz");
        File.WriteAllBytes(Path.Combine(directory, "gossip-packet", "plain"), PacketEnvelope.Seal(body, [], null, deflate: false));
        File.WriteAllBytes(Path.Combine(directory, "gossip-packet", "labelled-deflated"), PacketEnvelope.Seal(push.ToArray(), label, null, deflate: true));
        var keys = new Keyring(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
        File.WriteAllBytes(Path.Combine(directory, "gossip-packet", "encrypted"), PacketEnvelope.Seal(body, label, keys, deflate: false));
    }
}
