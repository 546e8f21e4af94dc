using System.Globalization;
using BenchmarkDotNet.Attributes;
using Cache.Client.Caching;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;

namespace Cache.Benchmarks;

/// <summary>
/// One IDistributedCache call at a time, 1 KB values: GossipCache on <c>--local-cluster 3</c>
/// (3 copies per key, each key straight to its primary) against ASP.NET's RedisCache on a
/// redis-server with persistence off. The servers run in their own processes, started in
/// <see cref="Setup"/> (only the one the provider needs) and killed in <see cref="Cleanup"/>.
/// Latency of a single caller and the client's allocations per call; throughput under many
/// callers is <c>client-load</c>'s job.
/// </summary>
[MemoryDiagnoser]
public class DistributedCacheBenchmarks
{
    private const int KeyCount = 1000;
    private static readonly DistributedCacheEntryOptions Forever = new();
    private readonly byte[] _value = new byte[1024];
    private string[] _keys = [];
    private ClientLoadServers? _servers;
    private IDistributedCache? _cache;
    private int _next;

    /// <summary>The provider under test.</summary>
    [Params("GossipCache", "RedisCache")]
    public string Provider { get; set; } = "";

    /// <summary>Starts the provider's server, connects, and writes every key once.</summary>
    [GlobalSetup]
    public async Task Setup()
    {
        new Random(42).NextBytes(_value);
        _keys = [.. Enumerable.Range(0, KeyCount).Select(i => "bdn:" + i.ToString(CultureInfo.InvariantCulture))];
        if (Provider == "GossipCache")
        {
            _servers = await ClientLoadServers.StartClusterOnlyAsync(replicas: 3);
            _cache = new GossipCache(Options.Create(new GossipCacheOptions { Seeds = _servers.ClusterSeeds, InstanceName = "bdn:" }));
        }
        else
        {
            _servers = await ClientLoadServers.StartRedisOnlyAsync();
            _cache = new RedisCache(Options.Create(new RedisCacheOptions { Configuration = _servers.RedisEndpoint, InstanceName = "bdn:" }));
        }

        foreach (var key in _keys)
        {
            await _cache.SetAsync(key, _value, Forever);
        }
    }

    /// <summary>Disposes the client, then kills the server processes.</summary>
    [GlobalCleanup]
    public async Task Cleanup()
    {
        switch (_cache)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }

        if (_servers is not null)
        {
            await _servers.DisposeAsync();
        }
    }

    /// <summary>A read of an existing 1 KB entry (keys cycle over all three primaries).</summary>
    [Benchmark]
    public Task<byte[]?> GetAsync() => _cache!.GetAsync(NextKey());

    /// <summary>An overwrite of an existing key with a 1 KB value, no expiry.</summary>
    [Benchmark]
    public Task SetAsync() => _cache!.SetAsync(NextKey(), _value, Forever);

    private string NextKey() => _keys[(uint)_next++ % KeyCount];
}
