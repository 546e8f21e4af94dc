using System.Globalization;
using System.Text;
using Cache.Node.Storage;

namespace Cache.Benchmarks;

/// <summary>
/// Hit ratio on a Zipf workload (read-through: GET, and SET on a miss) for the store's policies
/// under maxmemory, next to exact LRU and SIEVE simulated with the same number of keys the store
/// held on average. `eviction [keys] [requests] [zipf-s] [cache-fraction]`.
/// </summary>
internal static class EvictionHitRatio
{
    public static void Run(string[] args)
    {
        var universe = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200_000;
        var requests = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3_000_000;
        var s = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 0.99;
        var fraction = args.Length > 3 ? double.Parse(args[3], CultureInfo.InvariantCulture) : 0.05;
        var trace = ZipfTrace(universe, requests, s, new Random(12345));
        var names = new byte[universe][];
        for (var i = 0; i < universe; i++)
        {
            names[i] = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"key:{i:D7}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Zipf s={s} over {universe:N0} keys, {requests:N0} requests, cache ~{fraction:P0} of the keys; hit ratio after a 10% warm-up"));
        Console.WriteLine("| policy | keys held (avg) | hit ratio |");
        Console.WriteLine("|---|---:|---:|");
        var capacity = 0;
        foreach (var (name, policy, samples) in new[] { ("allkeys-lru, 5 samples + pool (store)", EvictionPolicy.AllKeysLru, 5), ("allkeys-lru, 10 samples + pool (store)", EvictionPolicy.AllKeysLru, 10), ("allkeys-random (store)", EvictionPolicy.AllKeysRandom, 5), ("allkeys-sieve (store)", EvictionPolicy.AllKeysSieve, 5) })
        {
            var (held, ratio) = RunStore(trace, names, policy, samples, fraction, universe);
            capacity = capacity == 0 ? (int)held : capacity;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {held:N0} | {ratio:P2} |"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| exact LRU (simulated) | {capacity:N0} | {SimulateLru(trace, capacity):P2} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| SIEVE (simulated) | {capacity:N0} | {SimulateSieve(trace, capacity):P2} |"));
    }

    private static (double Held, double HitRatio) RunStore(int[] trace, byte[][] names, EvictionPolicy policy, int samples, double fraction, int universe)
    {
        var value = new byte[64];

        // The same byte budget for every policy: what holds about `fraction` of the keys without
        // any policy overhead, measured on a sample load.
        var probe = new KeySpace(TimeProvider.System);
        for (var i = 0; i < 10_000; i++)
        {
            probe.SetString(names[i], value);
        }

        var perKey = (double)probe.UsedMemory / 10_000;
        var keys = new KeySpace(TimeProvider.System) { Policy = policy, EvictionSamples = samples };
        keys.MaxMemory = (long)(perKey * universe * fraction);
        long hits = 0, counted = 0, heldSum = 0;
        var warmUp = trace.Length / 10;
        for (var r = 0; r < trace.Length; r++)
        {
            var name = names[trace[r]];
            var hit = keys.Exists(name);
            if (!hit)
            {
                keys.EnsureMemory();
                keys.SetString(name, value);
            }

            if (r >= warmUp)
            {
                counted++;
                hits += hit ? 1 : 0;
                heldSum += keys.Count;
            }
        }

        return ((double)heldSum / counted, (double)hits / counted);
    }

    private static double SimulateLru(int[] trace, int capacity)
    {
        var order = new LinkedList<int>();
        var nodes = new Dictionary<int, LinkedListNode<int>>();
        long hits = 0, counted = 0;
        for (var r = 0; r < trace.Length; r++)
        {
            var key = trace[r];
            var hit = nodes.TryGetValue(key, out var node);
            if (hit)
            {
                order.Remove(node!);
                order.AddFirst(node!);
            }
            else
            {
                if (nodes.Count >= capacity)
                {
                    nodes.Remove(order.Last!.Value);
                    order.RemoveLast();
                }

                nodes[key] = order.AddFirst(key);
            }

            Count(r, trace.Length, hit, ref hits, ref counted);
        }

        return (double)hits / counted;
    }

    /// <summary>SIEVE (Zhang et al., NSDI '24): FIFO queue, a visited bit, a hand that moves from tail to head.</summary>
    private static double SimulateSieve(int[] trace, int capacity)
    {
        var queue = new LinkedList<(int Key, bool Visited)>();
        var nodes = new Dictionary<int, LinkedListNode<(int Key, bool Visited)>>();
        LinkedListNode<(int Key, bool Visited)>? hand = null;
        long hits = 0, counted = 0;
        for (var r = 0; r < trace.Length; r++)
        {
            var key = trace[r];
            var hit = nodes.TryGetValue(key, out var node);
            if (hit)
            {
                node!.Value = (key, true);
            }
            else
            {
                if (nodes.Count >= capacity)
                {
                    var candidate = hand ?? queue.Last!;
                    while (candidate.Value.Visited)
                    {
                        candidate.Value = (candidate.Value.Key, false);
                        candidate = candidate.Previous ?? queue.Last!;
                    }

                    hand = candidate.Previous;
                    nodes.Remove(candidate.Value.Key);
                    queue.Remove(candidate);
                }

                nodes[key] = queue.AddFirst((key, false));
            }

            Count(r, trace.Length, hit, ref hits, ref counted);
        }

        return (double)hits / counted;
    }

    private static void Count(int r, int length, bool hit, ref long hits, ref long counted)
    {
        if (r >= length / 10)
        {
            counted++;
            hits += hit ? 1 : 0;
        }
    }

    private static int[] ZipfTrace(int universe, int requests, double s, Random random)
    {
        var cdf = new double[universe];
        var sum = 0.0;
        for (var i = 0; i < universe; i++)
        {
            sum += 1.0 / Math.Pow(i + 1, s);
            cdf[i] = sum;
        }

        // Ranks are shuffled over key ids so popularity is not tied to slot order.
        var permutation = Enumerable.Range(0, universe).ToArray();
        random.Shuffle(permutation);
        var trace = new int[requests];
        for (var r = 0; r < requests; r++)
        {
            var u = random.NextDouble() * sum;
            var rank = Array.BinarySearch(cdf, u);
            trace[r] = permutation[rank < 0 ? ~rank : rank];
        }

        return trace;
    }
}
