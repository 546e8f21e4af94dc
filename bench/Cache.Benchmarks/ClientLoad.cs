using System.Globalization;
using Cache.Client.Caching;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;

namespace Cache.Benchmarks;

/// <summary>
/// <c>client-load [--seconds 10] [--callers 64] [--value-size 1024] [--keys 10000] [--replicas 3] [--cluster host:port,...] [--redis host:port]</c>:
/// IDistributedCache GetAsync/SetAsync from many concurrent callers, GossipCache on a three-node
/// cluster against RedisCache on one redis-server, same run, same keys and values. Starts both
/// servers (each its own process) unless given. Prints a markdown table: ops/s, p50, p99.
/// </summary>
internal static class ClientLoad
{
    private static readonly DistributedCacheEntryOptions Forever = new();

    public static async Task RunAsync(string[] args)
    {
        var seconds = Option(args, "--seconds", 10);
        var callers = Option(args, "--callers", 64);
        var valueSize = Option(args, "--value-size", 1024);
        var keys = Option(args, "--keys", 10_000);
        var replicas = Option(args, "--replicas", 3);
        await using var servers = await ClientLoadServers.StartAsync(Text(args, "--cluster"), Text(args, "--redis"), replicas);
        Console.WriteLine($"cluster {servers.ClusterSeeds}; redis-server {servers.RedisEndpoint}; {callers} callers, {valueSize}-byte values, {keys} keys, {seconds} s per measurement");

        await using var gossip = new GossipCache(Options.Create(new GossipCacheOptions { Seeds = servers.ClusterSeeds, InstanceName = "load:" }));
        using var redis = new RedisCache(Options.Create(new RedisCacheOptions { Configuration = servers.RedisEndpoint, InstanceName = "load:" }));
        var providers = new (string Name, IDistributedCache Cache)[] { ($"GossipCache, 3 nodes, {replicas} copies", gossip), ("RedisCache, redis-server", redis) };
        var value = new byte[valueSize];
        new Random(42).NextBytes(value);
        var names = Enumerable.Range(0, keys).Select(i => "key:" + i.ToString(CultureInfo.InvariantCulture)).ToArray();

        foreach (var (_, cache) in providers)
        {
            // Every key present, and every connection made, before anything is timed.
            await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = callers }, async (key, token) => await cache.SetAsync(key, value, Forever, token));
        }

        var rows = new List<string>();
        foreach (var op in new[] { "SetAsync", "GetAsync" })
        {
            foreach (var (name, cache) in providers)
            {
                Func<string, Task> call = op == "SetAsync" ? key => cache.SetAsync(key, value, Forever) : key => cache.GetAsync(key);
                await MeasureAsync(call, names, callers, TimeSpan.FromSeconds(Math.Min(2, seconds)));   // warm-up
                var result = await MeasureAsync(call, names, callers, TimeSpan.FromSeconds(seconds));
                rows.Add($"| {op} | {name} | {result.OpsPerSecond:0} | {result.P50:0.00} | {result.P99:0.00} | {result.Errors} |");
                Console.WriteLine(rows[^1]);
            }
        }

        Console.WriteLine();
        Console.WriteLine("| operation | provider | ops/s | p50 ms | p99 ms | errors |");
        Console.WriteLine("|---|---|---|---|---|---|");
        rows.ForEach(Console.WriteLine);
    }

    private static async Task<(double OpsPerSecond, double P50, double P99, long Errors)> MeasureAsync(Func<string, Task> call, string[] keys, int callers, TimeSpan duration)
    {
        var time = TimeProvider.System;
        var started = time.GetTimestamp();
        var latencies = new List<double>[callers];
        long errors = 0;
        var tasks = Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            var mine = latencies[c] = new List<double>(1 << 16);
            var random = new Random(c);
            while (time.GetElapsedTime(started) < duration)
            {
                var begin = time.GetTimestamp();
                try
                {
                    await call(keys[random.Next(keys.Length)]);
                    mine.Add(time.GetElapsedTime(begin).TotalMilliseconds);
                }
                catch (Exception ex) when (ex is GossipCacheUnavailableException or TimeoutException or StackExchange.Redis.RedisException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        var elapsed = time.GetElapsedTime(started).TotalSeconds;
        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return (all.Length / elapsed, Percentile(all, 0.50), Percentile(all, 0.99), errors);
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private static int Option(string[] args, string name, int fallback) =>
        Text(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static string? Text(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
