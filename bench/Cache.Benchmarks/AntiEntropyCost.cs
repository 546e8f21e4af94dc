using System.Diagnostics;
using System.Text;
using Cache.Gossip.Ring;
using Cache.Node.Configuration;
using Cache.Node.Hosting;
using Cache.Node.Storage;
using Microsoft.Extensions.Logging;

namespace Cache.Benchmarks;

/// <summary>
/// Issue 6's repair cost: two nodes holding the same keys, anti-entropy rounds until they agree —
/// bytes and time to confirm they agree, to repair 1, 1,000 and 100,000 differing keys, and to
/// refill a node emptied of everything — next to a naive full transfer of the same data.
/// </summary>
internal static class AntiEntropyCost
{
    public static async Task RunAsync(string[] args)
    {
        var keys = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
        var a = await StartAsync(null);
        var b = await StartAsync(a.Server.Cluster!.Gossip.Address);
        try
        {
            while (a.Server.Cluster!.Ring.Nodes.Count < 2 || b.Server.Cluster!.Ring.Nodes.Count < 2)
            {
                await Task.Delay(50);
            }

            await b.HandOff.WhenIdleAsync(CancellationToken.None);
            Load(a.Server.Keys, b.Server.Keys, keys);
            Console.WriteLine($"Two nodes, {keys:N0} keys each (16-byte keys, 32-byte values), loopback; {Environment.ProcessorCount} cores; load {File.ReadAllText("/proc/loadavg").Trim()}");
            Console.WriteLine();
            await using var probe = await LatencyProbe.StartAsync(a.Port, Key(42));
            await Task.Delay(2000);
            Console.WriteLine("| case | rounds | time | bytes exchanged (digests and entries) | entries moved | slots repaired |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|");
            await RoundAsync(a, "already in sync", probe);
            foreach (var differing in new[] { 1, 1_000, 100_000 })
            {
                Diverge(b.Server.Keys, differing, keys);
                await RoundAsync(a, differing == 1 ? "1 key differs" : $"{differing:N0} keys differ", probe);
            }

            using (b.Server.Keys.Enter())
            {
                b.Server.Keys.Clear();
            }

            await RoundAsync(a, "one node emptied (restarted empty)", probe);
            Console.WriteLine();
            probe.Phase("naive full transfer");
            await NaiveAsync(a, b, keys);
            probe.Phase("after");
            Console.WriteLine();
            Console.WriteLine("A client's GET latency on the node running the rounds (one request at a time, same machine):");
            Console.WriteLine();
            probe.Print();
        }
        finally
        {
            await b.DisposeAsync();
            await a.DisposeAsync();
        }
    }

    private static Task<NodeHost> StartAsync(string? join) =>
        NodeHost.StartAsync(new NodeOptions { Port = 0, GossipPort = 0, Join = join, AntiEntropyInterval = 0, Replicas = 2 },
            logging: l => l.SetMinimumLevel(LogLevel.Warning));

    private static void Load(KeySpace a, KeySpace b, int count)
    {
        var value = new byte[32];
        for (var i = 0; i < count; i++)
        {
            var key = Key(i);
            var entry = new ReplicatedEntry(new EntryVersion(1_000_000 + i, 1), ValueKind.String, 0, value);
            using (a.Enter())
            {
                a.Apply(key, entry);
            }

            using (b.Enter())
            {
                b.Apply(key, entry);
            }
        }
    }

    private static void Diverge(KeySpace keys, int count, int total)
    {
        var value = Encoding.ASCII.GetBytes("changed-value-changed-value-1234");
        using (keys.Enter())
        {
            for (var i = 0; i < count; i++)
            {
                var key = Key((int)((long)i * 7919 % total));
                keys.Apply(key, new ReplicatedEntry(new EntryVersion(5_000_000_000 + i, 2), ValueKind.String, 0, value));
            }
        }
    }

    private static async Task RoundAsync(NodeHost node, string name, LatencyProbe probe)
    {
        probe.Phase(name);
        var stats = node.Server.AntiEntropyStats;
        var (bytes, pulled, pushed, repaired) = (stats.Bytes, stats.EntriesPulled, stats.EntriesPushed, stats.SlotsRepaired);
        var clock = Stopwatch.StartNew();
        var rounds = 0;
        do
        {
            // A round repairs at most AntiEntropy.MaxSlotsPerRound slots; the rest follow at once.
            await node.Server.AntiEntropy!.RunRoundAsync(CancellationToken.None);
            rounds++;
        }
        while (node.Server.AntiEntropy.HasUnfinishedRepair);
        clock.Stop();
        var moved = stats.EntriesPulled - pulled + stats.EntriesPushed - pushed;
        probe.Phase("between");
        Console.WriteLine($"| {name} | {rounds} | {clock.Elapsed.TotalMilliseconds:N1} ms | {Size(stats.Bytes - bytes)} | {moved:N0} | {stats.SlotsRepaired - repaired:N0} |");
    }

    private static async Task NaiveAsync(NodeHost a, NodeHost b, int keys)
    {
        var all = Enumerable.Repeat((byte)0xFF, HashSlot.Count / 8).ToArray();
        var clock = Stopwatch.StartNew();
        var merged = await a.HandOff.PullSlotsAsync($"127.0.0.1:{b.Port}", all, CancellationToken.None);
        clock.Stop();
        // Six RESP bulks per entry: key, clock, node, kind, expiry, value.
        var bytes = (long)keys * (16 + 32 + 8 + 1 + 1 + 1 + (6 * 8));
        Console.WriteLine($"Naive full transfer (pull every entry of every shared slot): {clock.Elapsed.TotalMilliseconds:N0} ms, about {Size(bytes)} on the wire, {merged:N0} entries newer.");
    }

    private static string Size(long bytes) => bytes switch
    {
        < 10_000 => $"{bytes:N0} B",
        < 10_000_000 => $"{bytes / 1024.0:N1} KiB",
        _ => $"{bytes / 1048576.0:N1} MiB",
    };

    private static byte[] Key(int i) => Encoding.ASCII.GetBytes($"k:{i:D14}");
}
