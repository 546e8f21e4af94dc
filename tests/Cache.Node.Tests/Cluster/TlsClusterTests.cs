using Cache.Client.Resp;
using Cache.Node.Cluster;
using Cache.Node.Configuration;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Cluster;

/// <summary>tls-cluster yes: the links between nodes are TLS to each other's TLS port, both sides' certificates checked.</summary>
public sealed class TlsClusterTests : IDisposable
{
    private readonly TestCertificates _certs = TestCertificates.Create();

    public void Dispose() => _certs.Dispose();

    [Fact]
    public async Task A_tls_only_cluster_replicates_and_refuses_peers_without_a_good_certificate()
    {
        var nodes = await TestCluster.StartAsync(3, o =>
        {
            _certs.Configure(o, plainToo: false);
            o.TlsCluster = "yes";
        });
        try
        {
            Assert.All(nodes, n => Assert.Equal(n.TlsPort, n.Port));
            await using (var client = await RespTestClient.ConnectTlsAsync(nodes[0].TlsPort, _certs.ClientOptions(_certs.Client)))
            {
                for (var i = 0; i < 20; i++)
                {
                    Assert.Equal("+OK\r\n", await client.CallAsync("SET", $"tls-key-{i}", $"v{i}"));
                }
            }

            // Three copies on three nodes: every node holds every key, shipped over the TLS links.
            foreach (var node in nodes)
            {
                await TestCluster.WaitUntilAsync(() => Enumerable.Range(0, 20).All(i => TestCluster.ValueOn(node, $"tls-key-{i}") == $"v{i}"), "replication over TLS");
            }

            Assert.True(nodes[0].Server.Peers!.UsesTls);

            // The same link code with the node's certificate gets in: the refusals below are the certificates'.
            await using (var good = PeersWith(_certs.NodeCertFile, _certs.NodeKeyFile))
            {
                Assert.Equal("PONG", (await good.ForReplication(nodes[1].Endpoint).SendAsync(Args("PING"))).Text);
            }

            await using (var rogue = PeersWith(_certs.RogueCertFile, _certs.RogueKeyFile))
            {
                await Assert.ThrowsAnyAsync<RespConnectionException>(() => rogue.ForReplication(nodes[1].Endpoint).SendAsync(Args("GOSSIPCACHE", "PEER")));
            }

            await using (var plain = new PeerLinks(TestPeer.Credentials(), TimeSpan.FromSeconds(2), TimeProvider.System))
            {
                await Assert.ThrowsAnyAsync<Exception>(() => plain.ForReplication(nodes[1].Endpoint).SendAsync(Args("GOSSIPCACHE", "PEER")));
            }
        }
        finally
        {
            await TestCluster.StopAsync(nodes);
        }
    }

    [Fact]
    public async Task With_plain_ports_beside_tls_the_peers_dial_each_others_tls_port_from_the_gossip_metadata()
    {
        var nodes = await TestCluster.StartAsync(3, o =>
        {
            _certs.Configure(o, plainToo: true);
            o.TlsCluster = "yes";
        });
        try
        {
            await using (var client = await nodes[1].ConnectAsync())
            {
                Assert.Equal("+OK\r\n", await client.CallAsync("SET", "mixed", "ports"));
            }

            foreach (var node in nodes)
            {
                await TestCluster.WaitUntilAsync(() => TestCluster.ValueOn(node, "mixed") == "ports", "replication over TLS");
            }

            var tlsPorts = nodes.Select(n => n.TlsPort).ToHashSet();
            var link = nodes[1].Server.Peers!.ForReplication(nodes[0].Endpoint);
            Assert.Contains(link.Endpoint.Port, tlsPorts);
            Assert.DoesNotContain(link.Endpoint.Port, nodes.Select(n => n.Port));
        }
        finally
        {
            await TestCluster.StopAsync(nodes);
        }
    }

    private PeerLinks PeersWith(string certFile, string keyFile)
    {
        var options = new NodeOptions { Port = 0, TlsCluster = "yes" };
        _certs.Configure(options);
        options.TlsCertFile = certFile;
        options.TlsKeyFile = keyFile;
        var settings = NodeSettings.From(options);
        settings.Tls.Load();
        return new PeerLinks(TestPeer.Credentials(), TimeSpan.FromSeconds(2), TimeProvider.System, settings.Tls);
    }

    private static ReadOnlyMemory<byte>[] Args(params string[] args) => args.Select(a => (ReadOnlyMemory<byte>)System.Text.Encoding.UTF8.GetBytes(a)).ToArray();
}
