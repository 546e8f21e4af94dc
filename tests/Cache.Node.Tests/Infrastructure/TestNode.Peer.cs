namespace Cache.Node.Tests.Infrastructure;

/// <summary>Connections to a test node that play another node (only in Cache.Node.Tests, which sees Cache.Client's internals).</summary>
public sealed partial class TestNode
{
    /// <summary>A raw client that proved it is a peer (with the default test secret), for GOSSIPCACHE commands.</summary>
    public Task<RespTestClient> ConnectPeerAsync() => TestPeer.ConnectAsync(Port);

    /// <summary>A pipelined connection that proved it is a peer, as another node's link.</summary>
    internal Task<Cache.Client.Resp.RespConnection> ConnectPeerLinkAsync() => TestPeer.ConnectLinkAsync(Port);
}
