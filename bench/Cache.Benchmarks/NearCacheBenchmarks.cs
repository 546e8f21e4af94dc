using System.Buffers;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using Cache.Client.Caching;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;

namespace Cache.Benchmarks;

/// <summary>
/// A near-cache hit against a network GetAsync, 1 KB values, on <c>--local-cluster 3</c> in its own
/// process: the same keys read by a GossipCache with <c>NearCache.Enabled</c> (every read a hit
/// after the setup read them once) and by one without.
/// </summary>
[MemoryDiagnoser]
public class NearCacheBenchmarks
{
    private const int KeyCount = 1000;
    private static readonly DistributedCacheEntryOptions Forever = new();
    private readonly ArrayBufferWriter<byte> _destination = new(2048);
    private string[] _keys = [];
    private ClientLoadServers? _servers;
    private GossipCache? _near;
    private GossipCache? _plain;
    private int _next;

    [GlobalSetup]
    public async Task Setup()
    {
        var value = new byte[1024];
        new Random(42).NextBytes(value);
        _keys = [.. Enumerable.Range(0, KeyCount).Select(i => "near:" + i.ToString(CultureInfo.InvariantCulture))];
        _servers = await ClientLoadServers.StartClusterOnlyAsync(replicas: 3);
        _plain = new GossipCache(Options.Create(new GossipCacheOptions { Seeds = _servers.ClusterSeeds, InstanceName = "bdn:" }));
        var options = new GossipCacheOptions { Seeds = _servers.ClusterSeeds, InstanceName = "bdn:" };
        options.NearCache.Enabled = true;
        _near = new GossipCache(Options.Create(options));
        foreach (var key in _keys)
        {
            await _plain.SetAsync(key, value, Forever);
        }

        await _near.Listener!.WhenReadyAsync(CancellationToken.None);
        foreach (var key in _keys)
        {
            await _near.GetAsync(key);
        }

        if (_near.NearCount != KeyCount)
        {
            throw new InvalidOperationException($"Only {_near.NearCount} of {KeyCount} keys were copied.");
        }
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        if (_near is not null)
        {
            await _near.DisposeAsync();
        }

        if (_plain is not null)
        {
            await _plain.DisposeAsync();
        }

        if (_servers is not null)
        {
            await _servers.DisposeAsync();
        }
    }

    /// <summary>GetAsync over the network (the baseline).</summary>
    [Benchmark(Baseline = true)]
    public Task<byte[]?> NetworkGetAsync() => _plain!.GetAsync(NextKey());

    /// <summary>GetAsync answered by the near cache (a copy of the value for the caller).</summary>
    [Benchmark]
    public Task<byte[]?> NearGetAsync() => _near!.GetAsync(NextKey());

    /// <summary>IBufferDistributedCache.TryGetAsync answered by the near cache (the value written to the caller's buffer).</summary>
    [Benchmark]
    public async ValueTask<bool> NearTryGetAsync()
    {
        _destination.ResetWrittenCount();
        return await _near!.TryGetAsync(NextKey(), _destination);
    }

    private string NextKey() => _keys[_next++ % KeyCount];
}
