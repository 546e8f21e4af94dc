using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Cache.Node.Commands;
using Cache.Node.Configuration;
using Cache.Node.Resp;

namespace Cache.Benchmarks;

/// <summary>
/// One script call without sockets: a batch of 100 EVALSHA of the script bench/evalsha-benchmark.sh
/// runs (one GET, one SET), parsed and executed as the RESP loop does. Allocated bytes per call are
/// what a script call costs the GC beyond the plain GET and SET beside it.
/// </summary>
[MemoryDiagnoser]
public class ScriptCallBenchmarks
{
    private const int BatchSize = 100;
    private const string Script = "local v = redis.call('GET', KEYS[1]) redis.call('SET', KEYS[1], 'value') return v";
    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private CacheServer _server = null!;
    private ClientSession _session = null!;
    private ReadOnlySequence<byte> _evalSha;
    private ReadOnlySequence<byte> _getSet;

    [GlobalSetup]
    public void Setup()
    {
        _server = new CacheServer(NodeSettings.From(new NodeOptions()), TimeProvider.System);
        _session = new ClientSession(_server, _output, "bench", "bench", isLoopback: true);
        Run(Batch(_ => Command("SCRIPT", "LOAD", Script), 1));
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(Encoding.UTF8.GetBytes(Script)));
        _evalSha = Batch(i => Command("EVALSHA", sha, "1", $"key:{i:D4}"), BatchSize);
        _getSet = Batch(i => Command("GET", $"key:{i:D4}") + Command("SET", $"key:{i:D4}", "value"), BatchSize);
        Run(_evalSha);
        Run(_evalSha);
        if (_output.WrittenSpan[0] == (byte)'-')
        {
            throw new InvalidOperationException("EVALSHA failed: " + Encoding.UTF8.GetString(_output.WrittenSpan));
        }

        // Each call answers the value the previous batch's SET stored.
        if (!_output.WrittenSpan.StartsWith("$5\r\nvalue\r\n"u8))
        {
            throw new InvalidOperationException("unexpected reply: " + Encoding.UTF8.GetString(_output.WrittenSpan[..Math.Min(64, _output.WrittenCount)]));
        }
    }

    /// <summary>The script: one EVALSHA per operation.</summary>
    [Benchmark(OperationsPerInvoke = BatchSize)]
    public int EvalSha() => Run(_evalSha);

    /// <summary>The same two commands sent directly, the baseline.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = BatchSize)]
    public int GetThenSet() => Run(_getSet);

    private int Run(ReadOnlySequence<byte> batch) => SessionBatch.Run(_server, _session, _output, batch);

    private static string Command(params string[] parts)
    {
        var sb = new StringBuilder().Append('*').Append(parts.Length).Append("\r\n");
        foreach (var part in parts)
        {
            sb.Append('$').Append(Encoding.UTF8.GetByteCount(part)).Append("\r\n").Append(part).Append("\r\n");
        }

        return sb.ToString();
    }

    private static ReadOnlySequence<byte> Batch(Func<int, string> command, int count) => SessionBatch.Of(command, count);
}
