using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// CLUSTER FORGET: an operator's way to shrink a cluster whose node died for good. A failed node
/// keeps counting toward write quorums (it may only be cut off); once forgotten it does not, here.
/// As in Redis, it acts on the node it is sent to, so it is sent to every node.
/// </summary>
internal static partial class ClusterCommand
{
    private static void Forget(ClientSession client, in RespRequest request)
    {
        if (!TryGetCluster(client, out var cluster))
        {
            return;
        }

        var wanted = System.Text.Encoding.UTF8.GetString(request[2]);
        if (cluster.VoterNamed(wanted) is not { } name)
        {
            client.Reply.Error(System.Text.Encoding.UTF8.GetBytes($"ERR Unknown node {wanted}"));
            return;
        }

        if (name == cluster.Gossip.Name)
        {
            client.Reply.Error("ERR I tried hard but I can't forget myself..."u8);
            return;
        }

        if (!cluster.Forget(name))
        {
            client.Reply.Error("ERR Can't forget a node that is up: stop it (it leaves gracefully) or wait until it is marked failed"u8);
            return;
        }

        client.Reply.Ok();
    }
}
