using System.Diagnostics;
using System.Net;
using Cache.Client.Resp;

namespace Cache.Benchmarks;

/// <summary>
/// A client reading one key in a loop (one request at a time) while something else runs, timing
/// each reply per named phase: what a repair costs the node's clients.
/// </summary>
internal sealed class LatencyProbe : IAsyncDisposable
{
    private readonly RespConnection _connection;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, List<double>> _phases = [];
    private readonly Dictionary<string, (TimeSpan Pause, int Gen2)> _gc = [];
    private (string Name, TimeSpan Pause, int Gen2) _phaseStart;
    private List<double> _current = [];
    private readonly Task _loop;

    private LatencyProbe(RespConnection connection)
    {
        _connection = connection;
        _loop = Task.Run(LoopAsync);
    }

    public static async Task<LatencyProbe> StartAsync(int port, byte[] key)
    {
        var connection = await RespConnection.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        // Served from this node's own copy, never forwarded.
        (await connection.ExecuteAsync(["READONLY"u8.ToArray()])).ThrowIfError();
        var probe = new LatencyProbe(connection) { Key = key };
        probe.Phase("idle");
        return probe;
    }

    private byte[] Key { get; init; } = [];

    /// <summary>Starts timing under <paramref name="name"/>.</summary>
    public void Phase(string name)
    {
        var list = new List<double>();
        var (pause, gen2) = (GC.GetTotalPauseDuration(), GC.CollectionCount(2));
        lock (_phases)
        {
            if (_phaseStart.Name is { } previous)
            {
                _gc[previous] = (pause - _phaseStart.Pause, gen2 - _phaseStart.Gen2);
            }

            _phaseStart = (name, pause, gen2);
            _phases[name] = list;
            _current = list;
        }
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var start = Stopwatch.GetTimestamp();
            (await _connection.ExecuteAsync(["GET"u8.ToArray(), Key])).ThrowIfError();
            var micros = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            lock (_phases)
            {
                _current.Add(micros);
            }
        }
    }

    /// <summary>A markdown table: requests, p50, p99 and max per phase.</summary>
    public void Print()
    {
        Console.WriteLine("| while | GETs | p50 | p99 | max | GC pauses in the process (gen2 collections) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        lock (_phases)
        {
            // The short gaps between phases say nothing; the phases themselves do.
            foreach (var (name, samples) in _phases.Where(p => p.Value.Count > 0 && p.Key is not ("between" or "after")))
            {
                samples.Sort();
                var gc = _gc.TryGetValue(name, out var g) ? $"{g.Pause.TotalMilliseconds:N0} ms ({g.Gen2})" : "";
                Console.WriteLine($"| {name} | {samples.Count:N0} | {Ms(samples[samples.Count / 2])} | {Ms(samples[(int)(samples.Count * 0.99)])} | {Ms(samples[^1])} | {gc} |");
            }
        }
    }

    private static string Ms(double micros) => $"{micros / 1000:N2} ms";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        await _connection.DisposeAsync();
        _stop.Dispose();
    }
}
