using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Cache.Client.Resp;
using Cache.Node.Cluster;

namespace Cache.Benchmarks;

/// <summary>
/// The ways a peer link reads a reply, all through the one scanner: a LEAVES page of 1,000 leaves
/// decoded as it is scanned, against the same page copied out and parsed again (the shape the node
/// had before: scan, copy, scan); a forwarded GET reply relayed as bytes; the same reply built as
/// a RespReply (the client's path).
/// </summary>
[MemoryDiagnoser]
public class PeerReplyBenchmarks
{
    private readonly RespReplyParser _parser = new();
    private ReadOnlySequence<byte> _leaves;
    private ReadOnlySequence<byte> _get;

    [GlobalSetup]
    public void Setup()
    {
        var page = new StringBuilder("*2\r\n$4\r\n1000\r\n*2000\r\n");
        for (var i = 0; i < 1000; i++)
        {
            page.Append(System.Globalization.CultureInfo.InvariantCulture, $"$8\r\nkey:{i:D4}\r\n$8\r\n01234567\r\n");
        }

        _leaves = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(page.ToString()));
        _get = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes($"$32\r\n{new string('v', 32)}\r\n"));
    }

    [Benchmark(Baseline = true)]
    public int LeavesCopiedThenParsed()
    {
        _parser.TryParseRaw(_leaves, out var frame, out _);
        return PeerReplyParser.ParseLeaves(frame!)!.Leaves.Count;
    }

    [Benchmark]
    public int LeavesDecodedAsScanned()
    {
        var decoder = new LeafPageDecoder();
        _parser.TryDecode(_leaves, decoder, out _);
        return decoder.Page!.Leaves.Count;
    }

    [Benchmark]
    public int GetRelayed()
    {
        _parser.TryParseRaw(_get, out var frame, out _);
        return frame!.Length;
    }

    [Benchmark]
    public int GetBuilt()
    {
        _parser.TryParse(_get, out var reply, out _);
        return reply!.Bytes!.Length;
    }
}
