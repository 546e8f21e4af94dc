using Cache.Node.Tests.Infrastructure;
using StackExchange.Redis;

namespace Cache.Integration.Tests.Infrastructure;

/// <summary>StackExchange.Redis connections to one node or to every node of a cluster, as the packages get them.</summary>
internal static class Redis
{
    public static string ConnectionString(IEnumerable<TestNode> nodes) => string.Join(',', nodes.Select(n => n.Endpoint));

    public static ConfigurationOptions Options(IEnumerable<TestNode> nodes)
    {
        var options = ConfigurationOptions.Parse(ConnectionString(nodes));
        options.AbortOnConnectFail = true;
        options.AllowAdmin = true;
        return options;
    }

    public static async Task<ConnectionMultiplexer> ConnectAsync(IEnumerable<TestNode> nodes) => await ConnectionMultiplexer.ConnectAsync(Options(nodes));

    /// <summary>Subscribers of every channel that matches <paramref name="pattern"/>, summed over the nodes (each counts its own clients, as Redis Cluster does).</summary>
    public static async Task<long> SubscribersAsync(IConnectionMultiplexer redis, string pattern)
    {
        long total = 0;
        foreach (var endpoint in redis.GetEndPoints())
        {
            var server = redis.GetServer(endpoint);
            var channels = (RedisResult[])(await server.ExecuteAsync("PUBSUB", "CHANNELS", pattern))!;
            foreach (var channel in channels)
            {
                var counts = (RedisResult[])(await server.ExecuteAsync("PUBSUB", "NUMSUB", (string)channel!))!;
                total += (long)counts[1];
            }
        }

        return total;
    }
}
