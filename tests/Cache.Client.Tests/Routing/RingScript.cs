using System.Net;
using System.Net.Sockets;
using System.Text;
using Cache.Client.Routing;
using Cache.Gossip.Ring;

namespace Cache.Client.Tests.Routing;

/// <summary>CLUSTER RING replies as the node will send them, for scripted seeds.</summary>
internal static class RingScript
{
    public static SlotMap Map(int replicas, params string[] names) => SlotMap.Build(names.Select(n => new RingNode(n)), replicas);

    /// <summary>The RESP text of a ring reply for <paramref name="members"/> (name, endpoint), weight 1, no zone.</summary>
    public static string Reply(int replicas, params (string Name, string Endpoint)[] members)
    {
        var map = Map(replicas, members.Select(m => m.Name).ToArray());
        var hash = RingReply.FormatHash(map.Hash);
        var text = new StringBuilder($"*3\r\n${hash.Length}\r\n{hash}\r\n:{replicas}\r\n*{members.Length}\r\n");
        foreach (var (name, endpoint) in members)
        {
            text.Append($"*4\r\n${name.Length}\r\n{name}\r\n${endpoint.Length}\r\n{endpoint}\r\n:1\r\n$0\r\n\r\n");
        }

        return text.ToString();
    }

    /// <summary>A key (with <paramref name="prefix"/> in front) whose slot's primary is <paramref name="primary"/>.</summary>
    public static string KeyOwnedBy(SlotMap map, string primary, string prefix = "")
    {
        for (var i = 0; ; i++)
        {
            var key = "key" + i;
            if (map.PrimaryOf(HashSlot.ForKey(Encoding.UTF8.GetBytes(prefix + key)))!.Id == primary)
            {
                return key;
            }
        }
    }

    /// <summary>A loopback port nothing listens on (connects are refused at once, as after kill -9).</summary>
    public static int DeadPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
