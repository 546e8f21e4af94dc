using System.Text;
using Cache.Node.Cluster;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>Sending a client's command on to another node, and relaying that node's reply as bytes.</summary>
internal static class ForwardedReply
{
    /// <summary>The request's arguments copied out of the input buffer, for a peer link to send.</summary>
    public static ReadOnlyMemory<byte>[] Arguments(in RespRequest request)
    {
        var args = new ReadOnlyMemory<byte>[request.Count];
        for (var i = 0; i < args.Length; i++)
        {
            args[i] = request[i].ToArray();
        }

        return args;
    }

    /// <summary>The owner's reply, or a TRYAGAIN error when it did not answer.</summary>
    public static async Task<byte[]> Relay(Task<byte[]> reply, string endpoint, ReplicationStats? stats)
    {
        try
        {
            return await reply.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            stats?.ForwardFailedOnce();
            return Encoding.UTF8.GetBytes($"-TRYAGAIN the key's owner {endpoint} did not answer ({ReplyQueue.OneLine(ex.Message)}); retry once the cluster has noticed, within a few seconds\r\n");
        }
    }
}
