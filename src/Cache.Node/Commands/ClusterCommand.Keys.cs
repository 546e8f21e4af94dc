using Cache.Gossip.Ring;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>CLUSTER COUNTKEYSINSLOT and GETKEYSINSLOT: the keys this node holds in one slot.</summary>
internal static partial class ClusterCommand
{
    private static void CountKeysInSlot(ClientSession client, in RespRequest request)
    {
        if (!TryGetCluster(client, out _))
        {
            return;
        }

        if (!Args.TryInteger(client, request[2], out var slot))
        {
            return;
        }

        if (slot is < 0 or >= HashSlot.Count)
        {
            client.Reply.Error("ERR Invalid slot"u8);
            return;
        }

        client.Reply.Integer(client.Keys.CountKeysInSlot((int)slot));
    }

    // As Redis: both numbers must parse before either is range-checked, with one error for both.
    private static void GetKeysInSlot(ClientSession client, in RespRequest request)
    {
        if (!TryGetCluster(client, out _))
        {
            return;
        }

        if (!Args.TryInteger(client, request[2], out var slot) || !Args.TryInteger(client, request[3], out var max))
        {
            return;
        }

        if (slot is < 0 or >= HashSlot.Count || max < 0)
        {
            client.Reply.Error("ERR Invalid slot or number of keys"u8);
            return;
        }

        var keys = new List<byte[]>();
        client.Keys.KeysInSlot((int)slot, max, keys);
        client.Reply.ArrayHeader(keys.Count);
        foreach (var key in keys)
        {
            client.Reply.Bulk(key);
        }
    }
}
