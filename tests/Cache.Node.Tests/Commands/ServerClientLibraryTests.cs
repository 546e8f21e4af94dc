using Cache.Node.Tests.Infrastructure;
using StackExchange.Redis;

namespace Cache.Node.Tests.Commands;

/// <summary>StackExchange.Redis reads INFO, CONFIG and CLIENT replies on connect and through IServer.</summary>
public sealed class ServerClientLibraryTests
{
    [Fact]
    public async Task StackExchange_redis_reads_server_introspection()
    {
        await using var node = await TestNode.StartAsync();
        var options = ConfigurationOptions.Parse(node.Endpoint);
        options.AbortOnConnectFail = true;
        options.ClientName = "se-test";
        options.AllowAdmin = true;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
        var server = redis.GetServer(node.Endpoint);

        Assert.Equal(new Version(7, 0, 15), server.Version);
        // CLUSTER NODES answers (one node owning every slot), so the client runs in cluster mode.
        Assert.Equal(ServerType.Cluster, server.ServerType);
        Assert.Equal(1, server.DatabaseCount);

        await redis.GetDatabase().StringSetAsync("k", "v");
        var info = await server.InfoAsync("keyspace");
        Assert.Equal("keys=1,expires=0,avg_ttl=0", Assert.Single(Assert.Single(info)).Value);

        var config = await server.ConfigGetAsync("maxclients");
        Assert.Equal("10000", Assert.Single(config).Value);

        var clients = await server.ClientListAsync();
        Assert.Contains(clients, c => c.Name == "se-test");
        Assert.NotEqual(default, await server.TimeAsync());
    }
}
