using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Cache.Node.Commands;
using Cache.Node.Configuration;
using Cache.Node.Resp;

namespace Cache.Benchmarks;

/// <summary>
/// How far the single key-space gate lets command execution scale: 1 or 2 threads, each its own
/// session, each running batches of 100 pre-parsed GET/SET commands (half each) the way the
/// connection loop does (one gate acquisition per batch). No sockets: this is the ceiling the
/// gate puts on the node, to compare with what the transport delivers.
/// </summary>
[MemoryDiagnoser]
public class GateScalingBenchmarks
{
    private const int BatchSize = 100;
    private const int BatchesPerThread = 200;
    private CacheServer _server = null!;
    private ReadOnlySequence<byte> _batch;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _server = new CacheServer(NodeSettings.From(new NodeOptions()), TimeProvider.System);
        var sb = new StringBuilder();
        for (var i = 0; i < BatchSize; i++)
        {
            sb.Append(i % 2 == 0
                ? $"*3\r\n$3\r\nSET\r\n$8\r\nkey:{i:D4}\r\n$32\r\n{new string('v', 32)}\r\n"
                : $"*2\r\n$3\r\nGET\r\n$8\r\nkey:{i - 1:D4}\r\n");
        }

        _batch = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(sb.ToString()));
    }

    [Benchmark(OperationsPerInvoke = BatchSize * BatchesPerThread * 2)]
    public void MixedGetSet()
    {
        // Both parameter values do the same total work; 2 threads split it.
        var perThread = BatchesPerThread * 2 / Threads;
        var workers = new Thread[Threads];
        for (var t = 0; t < Threads; t++)
        {
            workers[t] = new Thread(() => Run(perThread));
            workers[t].Start();
        }

        foreach (var worker in workers)
        {
            worker.Join();
        }
    }

    private void Run(int batches)
    {
        var output = new ArrayBufferWriter<byte>(64 * 1024);
        var session = new ClientSession(_server, output, "bench", "bench", isLoopback: true);
        for (var b = 0; b < batches; b++)
        {
            output.ResetWrittenCount();
            var batch = _batch;
            using (_server.Keys.Enter())
            {
                while (session.Parser.TryParse(batch, out var request, out var length) == ParseStatus.Complete)
                {
                    session.Execute(request);
                    batch = batch.Slice(length);
                }
            }
        }
    }
}
