using System.Diagnostics;
using System.Globalization;
using System.Text;
using Cache.Node.Storage;

namespace Cache.Benchmarks;

/// <summary>
/// Console measurements of the store (no BenchmarkDotNet: a full GC with millions of objects takes
/// too long to repeat its way): full blocking GC time with the store vs a
/// <c>Dictionary&lt;string, byte[]&gt;</c> holding the same keys, bytes per key, and single-thread
/// GET/SET throughput of the key space alone. Keys are 11 bytes ("key:0000000"), values 32 bytes.
/// </summary>
internal static class StoreMeasurements
{
    private const int ValueSize = 32;
    private const int GcRuns = 5;

    public static void Run(string[] args)
    {
        // "store ws store|dictionary N": one structure in a fresh process, for a clean working-set delta.
        if (args.Length == 3 && args[0] == "ws")
        {
            var n = int.Parse(args[2], CultureInfo.InvariantCulture);
            var delta = args[1] == "store" ? MeasureStore(n).WorkingSet : MeasureDictionary(n).WorkingSet;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{args[1]} {n:N0} keys: working set +{delta / 1048576.0:F1} MiB = {delta / (double)n:F1} B/key"));
            return;
        }

        if (args.Length == 1 && args[0] == "churn")
        {
            Churn();
            return;
        }

        var sizes = args.Length > 0 ? args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [100_000, 1_000_000, 4_000_000];
        Console.WriteLine($"GC: server={System.Runtime.GCSettings.IsServerGC} latency={System.Runtime.GCSettings.LatencyMode} cores={Environment.ProcessorCount}");
        Console.WriteLine("| keys | store GC ms (median of 5) | Dictionary GC ms | ratio | store used_memory B/key | store committed B/key |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
        foreach (var n in sizes)
        {
            var (storeGc, used, committed, _) = MeasureStore(n);
            var (dictGc, _) = MeasureDictionary(n);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {n:N0} | {storeGc:F2} | {dictGc:F2} | {dictGc / storeGc:F0}x | {used / (double)n:F1} | {committed / (double)n:F1} |"));
        }

        Throughput(1_000_000);
    }

    private static (double GcMs, long Used, long Committed, long WorkingSet) MeasureStore(int n)
    {
        var before = Baseline();
        var keys = new KeySpace(TimeProvider.System);
        var value = new byte[ValueSize];
        Span<byte> key = stackalloc byte[11];
        for (var i = 0; i < n; i++)
        {
            FormatKey(i, key);
            keys.SetString(key, value);
        }

        var gc = MedianGc();
        var workingSet = Baseline() - before;
        var result = (gc, keys.UsedMemory, keys.CommittedMemory, workingSet);
        GC.KeepAlive(keys);
        return result;
    }

    private static (double GcMs, long WorkingSet) MeasureDictionary(int n)
    {
        var before = Baseline();
        var map = new Dictionary<string, byte[]>();
        for (var i = 0; i < n; i++)
        {
            map[string.Create(CultureInfo.InvariantCulture, $"key:{i:D7}")] = new byte[ValueSize];
        }

        var gc = MedianGc();
        var workingSet = Baseline() - before;
        GC.KeepAlive(map);
        return (gc, workingSet);
    }

    private static void Throughput(int n)
    {
        var keys = new KeySpace(TimeProvider.System);
        var value = new byte[ValueSize];
        var names = new byte[n][];
        for (var i = 0; i < n; i++)
        {
            names[i] = Encoding.ASCII.GetBytes($"key:{i:D7}");
            keys.SetString(names[i], value);
        }

        var random = new Random(1);
        var order = new int[4_000_000];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = random.Next(n);
        }

        var stopwatch = Stopwatch.StartNew();
        long found = 0;
        foreach (var i in order)
        {
            ref var entry = ref keys.Lookup(names[i]);
            found += keys.ValueOf(entry).Length;
        }

        var getRate = order.Length / stopwatch.Elapsed.TotalSeconds;
        stopwatch.Restart();
        foreach (var i in order)
        {
            keys.SetString(names[i], value);
        }

        var setRate = order.Length / stopwatch.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Throughput over {n:N0} keys, one thread, no lock: GET {getRate / 1e6:F2} M ops/s, SET (overwrite) {setRate / 1e6:F2} M ops/s ({found / ValueSize:N0} hits)"));
    }

    /// <summary>The unit test's churn (1M overwrites, sizes 1..4096, 10k keys), with its figures printed.</summary>
    private static void Churn()
    {
        var keys = new KeySpace(TimeProvider.System);
        var random = new Random(42);
        var value = new byte[4096];
        long live = 0;
        var sizes = new int[10_000];
        for (var i = 1; i <= 1_000_000; i++)
        {
            var k = random.Next(10_000);
            var size = random.Next(1, 4097);
            live += size - sizes[k];
            sizes[k] = size;
            keys.SetString(Encoding.ASCII.GetBytes($"key:{k}"), value.AsSpan(0, size));
            if (i is 10_000 or 100_000 or 1_000_000)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"after {i:N0} writes: value bytes {live / 1048576.0:F1} MiB, used_memory {keys.UsedMemory / 1048576.0:F1} MiB, committed {keys.CommittedMemory / 1048576.0:F1} MiB ({keys.SlabPages} pages)"));
            }
        }
    }

    private static double MedianGc()
    {
        var times = new double[GcRuns];
        for (var r = 0; r < GcRuns; r++)
        {
            var started = Stopwatch.GetTimestamp();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            times[r] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        Array.Sort(times);
        return times[GcRuns / 2];
    }

    private static long Baseline()
    {
        // Compact the large object heap too, so freed index arrays from table growth do not count.
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    private static void FormatKey(int i, Span<byte> destination)
    {
        "key:"u8.CopyTo(destination);
        i.TryFormat(destination[4..], out _, "D7", CultureInfo.InvariantCulture);
    }
}
