using Cache.Node.Tests.Infrastructure;
using StackExchange.Redis;

namespace Cache.Node.Tests.Compatibility;

/// <summary>StackExchange.Redis, unchanged, over a real socket in RESP2 and RESP3.</summary>
public sealed class StackExchangeRedisTests : IAsyncLifetime
{
    private TestNode _node = null!;

    public async Task InitializeAsync() => _node = await TestNode.StartAsync();

    public Task DisposeAsync() => _node.DisposeAsync().AsTask();

    [Theory]
    [InlineData(RedisProtocol.Resp2)]
    [InlineData(RedisProtocol.Resp3)]
    public async Task Connects_and_runs_string_hash_key_and_transaction_commands(RedisProtocol protocol)
    {
        await using var mux = await ConnectAsync(protocol);
        Assert.True(mux.IsConnected);
        var db = mux.GetDatabase();
        var prefix = protocol.ToString();

        Assert.True(await db.StringSetAsync(prefix + ":s", "hello", TimeSpan.FromMinutes(5)));
        Assert.Equal("hello", (string?)await db.StringGetAsync(prefix + ":s"));
        Assert.Null((string?)await db.StringGetAsync(prefix + ":missing"));
        Assert.Equal(5, await db.StringIncrementAsync(prefix + ":n", 5));
        Assert.Equal(7.5, await db.StringIncrementAsync(prefix + ":n", 2.5));

        await db.HashSetAsync(prefix + ":h", [new HashEntry("a", "1"), new HashEntry("b", "2")]);
        var all = await db.HashGetAllAsync(prefix + ":h");
        Assert.Equal(["a=1", "b=2"], all.Select(e => $"{e.Name}={e.Value}").Order());

        var ttl = await db.KeyTimeToLiveAsync(prefix + ":s");
        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
        Assert.True(await db.KeyDeleteAsync(prefix + ":s"));
        Assert.False(await db.KeyExistsAsync(prefix + ":s"));

        var tran = db.CreateTransaction();
        tran.AddCondition(Condition.KeyNotExists(prefix + ":t"));
        var set = tran.StringSetAsync(prefix + ":t", "x");
        var get = tran.StringGetAsync(prefix + ":t");
        Assert.True(await tran.ExecuteAsync());
        Assert.True(await set);
        Assert.Equal("x", (string?)await get);

        var server = mux.GetServer(_node.Endpoint);
        Assert.True(await server.DatabaseSizeAsync() >= 3);
        Assert.Equal(protocol, server.Protocol);
    }

    [Fact]
    public async Task Many_concurrent_pipelined_callers_see_their_own_values()
    {
        await using var mux = await ConnectAsync(RedisProtocol.Resp2);
        var db = mux.GetDatabase();
        var tasks = Enumerable.Range(0, 50).Select(async worker =>
        {
            for (var i = 0; i < 200; i++)
            {
                var key = $"w{worker}:{i}";
                await db.StringSetAsync(key, $"{worker}-{i}");
                Assert.Equal($"{worker}-{i}", (string?)await db.StringGetAsync(key));
            }
        });
        await Task.WhenAll(tasks);
        Assert.Equal(50 * 200, await mux.GetServer(_node.Endpoint).DatabaseSizeAsync());
    }

    private async Task<ConnectionMultiplexer> ConnectAsync(RedisProtocol protocol)
    {
        var options = ConfigurationOptions.Parse(_node.Endpoint);
        options.Protocol = protocol;
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 10_000;
        return await ConnectionMultiplexer.ConnectAsync(options);
    }
}
