using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Cache.Benchmarks;

/// <summary>
/// The GC's peer for the node's collections: the same elements the collections benchmark loads
/// into a list, a set and a sorted set on the node, held in a <c>List&lt;byte[]&gt;</c>, a
/// <c>HashSet&lt;byte[]&gt;</c> and a <c>SortedSet</c> of (score, member) in this process, then a
/// full blocking compacting GC timed (median of 5), as DEBUG GC does on the node.
/// </summary>
internal static class CollectionPeers
{
    public static void Run(string[] args)
    {
        var elements = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        var list = new List<byte[]>(elements);
        var set = new HashSet<byte[]>(elements, ByteArrayComparer.Instance);
        var sorted = new SortedSet<(double Score, byte[] Member)>(ScoreComparer.Instance);
        for (var i = 0; i < elements; i++)
        {
            // The shapes bench/collections-benchmark.sh sends: "element:<i>", score i.
            var member = Encoding.ASCII.GetBytes("element:" + i.ToString(CultureInfo.InvariantCulture));
            list.Add(member);
            set.Add(member.ToArray());
            sorted.Add((i, member.ToArray()));
        }

        var pauses = new double[5];
        for (var i = 0; i < pauses.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            pauses[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(pauses);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"peers: {elements} elements each in List<byte[]>, HashSet<byte[]>, SortedSet<(double, byte[])>: full GC median {pauses[2]:F2} ms, heap {GC.GetGCMemoryInfo().HeapSizeBytes / (1024 * 1024)} MiB"));
        GC.KeepAlive(list);
        GC.KeepAlive(set);
        GC.KeepAlive(sorted);
    }

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>
    {
        public static readonly ByteArrayComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => (int)System.IO.Hashing.XxHash3.HashToUInt64(obj);
    }

    private sealed class ScoreComparer : IComparer<(double Score, byte[] Member)>
    {
        public static readonly ScoreComparer Instance = new();

        public int Compare((double Score, byte[] Member) x, (double Score, byte[] Member) y)
        {
            var byScore = x.Score.CompareTo(y.Score);
            return byScore != 0 ? byScore : x.Member.AsSpan().SequenceCompareTo(y.Member);
        }
    }
}
