using System.Net;
using System.Text;
using Cache.Client.Resp;
using Cache.Node.Cluster;

namespace Cache.Node.Commands;

/// <summary>
/// A blocking command for a key another node owns, from a plain client. The shared peer link
/// serves its requests in order, so a BLPOP there would stall every client forwarding to that
/// node: instead each blocked forward gets a connection of its own to the owner, which blocks
/// (and times out) there as any client's command; the reply is relayed when it comes. When the
/// client goes away, or CLIENT UNBLOCK ends the wait here, the connection is closed and the
/// owner drops the block as for any disconnected client.
/// </summary>
internal sealed class BlockingForward
{
    private readonly CancellationTokenSource _cancel = new();

    /// <summary>Ends the forwarded wait: the connection to the owner closes.</summary>
    public void Cancel() => _cancel.Cancel();

    /// <summary>Sends <paramref name="args"/> to <paramref name="endpoint"/> on a new connection and ends <paramref name="blocked"/> with the reply.</summary>
    public async Task RunAsync(CacheServer server, string endpoint, int protocol, ReadOnlyMemory<byte>[] args, BlockedClient blocked)
    {
        var generation = blocked.Generation;
        var options = new RespConnectionOptions
        {
            ConnectTimeout = server.Settings.ReplicationTimeout,
            // The owner applies the command's own timeout; this side waits as long as it does.
            CommandTimeout = Timeout.InfiniteTimeSpan,
            TimeProvider = server.Time,
        };

        byte[] reply;
        try
        {
            var connection = await RespConnection.ConnectAsync(IPEndPoint.Parse(endpoint), options, _cancel.Token).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                // A peer's connection (no requirepass needed, served on the owner, never forwarded
                // again) that may block there, unlike the shared links.
                await PeerHandshake.RunAsync(connection, server.Peers?.Credentials ?? throw new RespConnectionException("This node has left the cluster."), _cancel.Token, blocking: true).ConfigureAwait(false);
                if (protocol == 3)
                {
                    (await connection.ExecuteAsync(["HELLO", "3"], _cancel.Token).ConfigureAwait(false)).ThrowIfError();
                }

                reply = await connection.ExecuteRawAsync(args, _cancel.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            // The client left or was unblocked here: its wait has already ended.
            return;
        }
        catch (Exception ex) when (ex is RespConnectionException or TimeoutException or RespServerException or IOException)
        {
            server.Replication?.Stats.ForwardFailedOnce();
            reply = Encoding.UTF8.GetBytes($"-TRYAGAIN the key's owner {endpoint} did not answer ({ReplyQueue.OneLine(ex.Message)}); retry once the cluster has noticed, within a few seconds\r\n");
        }

        using (server.Keys.Enter())
        {
            // Checked under the gate, where blocks begin: a late reply never ends a later block.
            if (blocked.Generation == generation)
            {
                server.Blocking.Finish(blocked, Task.FromResult(reply));
            }
        }
    }
}
