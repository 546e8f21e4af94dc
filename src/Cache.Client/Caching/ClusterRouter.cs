using System.Net.Sockets;
using Cache.Client.Resp;
using Cache.Client.Routing;
using Microsoft.Extensions.Logging;

namespace Cache.Client.Caching;

/// <summary>
/// Sends one command to the owner of its key's slot and sees it through: follows MOVED once to the
/// endpoint the node names (and refreshes the ring), fails over to the next owner when a node fails
/// or times out, and gives up with <see cref="GossipCacheUnavailableException"/> when the call's
/// budget (<see cref="GossipCacheOptions.CommandTimeout"/>) is spent. Nothing waits beyond it.
/// </summary>
internal sealed partial class ClusterRouter
{
    // After every owner failed once, wait a little before the next round: the ring may be about to
    // change (gossip marks the dead node) or the node may be restarting.
    private static readonly TimeSpan RoundBackoff = TimeSpan.FromMilliseconds(50);

    private readonly ClusterTopology _topology;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly GossipCacheMetrics _metrics;
    private readonly ILogger _logger;

    public ClusterRouter(ClusterTopology topology, TimeSpan timeout, TimeProvider time, GossipCacheMetrics metrics, ILogger logger)
    {
        _topology = topology;
        _timeout = timeout;
        _time = time;
        _metrics = metrics;
        _logger = logger;
    }

    public async ValueTask<RespReply> ExecuteAsync(int slot, byte[] frame, CancellationToken cancellationToken)
    {
        _topology.StartPeriodicRefresh();
        using var deadline = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var token = linked.Token;
        string? redirect = null;
        var redirected = false;
        var rank = 0;
        var failuresThisRound = 0;
        Exception? lastFailure = null;
        var tried = new List<string>(2);
        // Backoffs inside the failure handler are cancelled by the deadline too: one catch for all.
        try
        {
            while (true)
            {
                var snapshot = _topology.Current;
                var endpoint = redirect ?? snapshot.OwnerOf(slot, rank);
                redirect = null;
                try
                {
                    if (endpoint is null)
                    {
                        // Nothing known yet (first call) or the ring has no endpoint for the slot: ask the seeds.
                        await _topology.RequestRefresh().WaitAsync(token).ConfigureAwait(false);
                        if (ReferenceEquals(snapshot, _topology.Current))
                        {
                            await Task.Delay(RoundBackoff, _time, token).ConfigureAwait(false);
                        }

                        continue;
                    }

                    if (!tried.Contains(endpoint))
                    {
                        tried.Add(endpoint);
                    }

                    var connection = await _topology.Pool.GetAsync(endpoint, token).ConfigureAwait(false);
                    RespReply reply;
                    try
                    {
                        reply = await connection.ExecuteFrameAsync(frame, token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (IsNodeFailure(ex, cancellationToken, deadline.Token))
                    {
                        _topology.Pool.Evict(endpoint, connection);
                        throw;
                    }

                    if (reply.IsError && TryParseMoved(reply, out var movedTo))
                    {
                        _metrics.Redirects.Add(1);
                        LogRedirected(_logger, slot, endpoint, movedTo);
                        var refresh = _topology.RequestRefresh();
                        if (!redirected)
                        {
                            // As Redis Cluster clients do: go where the node says at once, refresh behind.
                            redirected = true;
                            redirect = movedTo;
                        }
                        else
                        {
                            await refresh.WaitAsync(token).ConfigureAwait(false);
                            await Task.Delay(RoundBackoff, _time, token).ConfigureAwait(false);
                        }

                        continue;
                    }

                    if (reply.IsError && IsTransient(reply))
                    {
                        // The node is fine but could not finish now (its key's owner or the write quorum
                        // did not answer): every command we send is idempotent, so try again shortly.
                        lastFailure = new RespServerException(reply.Text ?? "TRYAGAIN");
                        LogRetrying(_logger, endpoint, slot, reply.Text ?? "");
                        _ = _topology.RequestRefresh();
                        await Task.Delay(RoundBackoff, _time, token).ConfigureAwait(false);
                        continue;
                    }

                    return reply;
                }
                catch (Exception ex) when (IsNodeFailure(ex, cancellationToken, deadline.Token))
                {
                    lastFailure = ex;
                    _metrics.Failovers.Add(1);
                    LogNodeFailed(_logger, endpoint ?? "(none)", slot, ex.Message);
                    _ = _topology.RequestRefresh();
                    rank++;
                    if (++failuresThisRound >= Math.Max(1, snapshot.OwnerCount))
                    {
                        failuresThisRound = 0;
                        await Task.Delay(RoundBackoff, _time, token).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw Unavailable(slot, tried, lastFailure);
        }
    }

    // A failure of the node or the way to it, not of the caller: worth trying the next owner.
    private static bool IsNodeFailure(Exception ex, CancellationToken caller, CancellationToken deadline) =>
        !caller.IsCancellationRequested && !deadline.IsCancellationRequested
        && ex is RespConnectionException or TimeoutException or SocketException or IOException or OperationCanceledException;

    private GossipCacheUnavailableException Unavailable(int slot, List<string> tried, Exception? lastFailure)
    {
        var nodes = tried.Count > 0 ? string.Join(", ", tried) : $"the seeds {string.Join(", ", _topology.Seeds)}, none of which answered CLUSTER RING (check Seeds)";
        lastFailure ??= _topology.LastRefreshFailure;
        var message = $"No GossipCache node answered for hash slot {slot} within {_timeout.TotalMilliseconds:0} ms (CommandTimeout). Tried: {nodes}."
            + (lastFailure is null ? "" : $" Last error: {lastFailure.Message}");
        LogUnavailable(_logger, slot, (long)_timeout.TotalMilliseconds, nodes);
        return new GossipCacheUnavailableException(message, lastFailure);
    }

    // TRYAGAIN (a forwarded command's owner did not answer), NOREPLICAS (the write quorum was
    // missed) and CLUSTERDOWN (a node cut off from the key's other owners refuses to read): each
    // passes once the cluster has noticed a dead node, or the partition healed.
    private static bool IsTransient(RespReply reply) =>
        reply.Text is { } text && (text.StartsWith("TRYAGAIN", StringComparison.Ordinal) || text.StartsWith("NOREPLICAS", StringComparison.Ordinal)
            || text.StartsWith("CLUSTERDOWN", StringComparison.Ordinal));

    // "MOVED <slot> <host:port>"
    private static bool TryParseMoved(RespReply reply, out string endpoint)
    {
        endpoint = "";
        var text = reply.Text;
        if (text is null || !text.StartsWith("MOVED ", StringComparison.Ordinal))
        {
            return false;
        }

        var space = text.LastIndexOf(' ');
        endpoint = text[(space + 1)..];
        return space > 6 && NodeEndpoint.TryParse(endpoint, out _);
    }
}
