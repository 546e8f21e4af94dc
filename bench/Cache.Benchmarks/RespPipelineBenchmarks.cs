using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Cache.Node.Commands;
using Cache.Node.Configuration;
using Cache.Node.Resp;

namespace Cache.Benchmarks;

/// <summary>
/// The node's hot path without sockets: a pre-built batch of 100 RESP commands is parsed and
/// executed into a reused output buffer. Allocated bytes per batch show the per-command
/// allocation budget (PING and GET: zero; SET: only the stored value).
/// </summary>
[MemoryDiagnoser]
public class RespPipelineBenchmarks
{
    private const int BatchSize = 100;
    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private CacheServer _server = null!;
    private ClientSession _session = null!;
    private ReadOnlySequence<byte> _ping;
    private ReadOnlySequence<byte> _get;
    private ReadOnlySequence<byte> _set;

    [GlobalSetup]
    public void Setup()
    {
        _server = new CacheServer(NodeSettings.From(new NodeOptions()), TimeProvider.System);
        _session = new ClientSession(_server, _output, "bench", "bench", isLoopback: true);
        _ping = Batch(_ => "*1\r\n$4\r\nPING\r\n");
        _get = Batch(i => $"*2\r\n$3\r\nGET\r\n$8\r\nkey:{i:D4}\r\n");
        _set = Batch(i => $"*3\r\n$3\r\nSET\r\n$8\r\nkey:{i:D4}\r\n$32\r\n{new string('v', 32)}\r\n");
        Run(_set);
    }

    [Benchmark(OperationsPerInvoke = BatchSize)]
    public int Ping() => Run(_ping);

    [Benchmark(OperationsPerInvoke = BatchSize)]
    public int Get() => Run(_get);

    [Benchmark(OperationsPerInvoke = BatchSize)]
    public int Set() => Run(_set);

    private int Run(ReadOnlySequence<byte> batch) => SessionBatch.Run(_server, _session, _output, batch);

    private static ReadOnlySequence<byte> Batch(Func<int, string> command) => SessionBatch.Of(command, BatchSize);
}
