using System.Diagnostics;
using System.Globalization;

namespace Cache.Benchmarks;

/// <summary>
/// <c>pubsub LABEL PUBLISH_AT SUBSCRIBE_AT[,..] SUBSCRIBERS MESSAGES</c>: subscribers (spread over the
/// SUBSCRIBE_AT endpoints) on one channel, one publisher. Two phases: latency (one PUBLISH at a
/// time, delivery latency p50/p99 from the PUBLISH being sent to each subscriber reading it) and
/// throughput (MESSAGES PUBLISHes pipelined 64 deep; publishes/s and deliveries/s until the last
/// subscriber has read the last one, and the delivery latency under that load). Prints one CSV line:
/// label,subscribers,publish/s,deliveries/s,p50 ms,p99 ms,loaded p50 ms,loaded p99 ms,delivered %.
/// </summary>
internal static class PubSubProbe
{
    private const int LatencyMessages = 2000;
    private const int Window = 64;
    private static readonly TimeSpan PhaseTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(3);

    public static async Task RunAsync(string[] args)
    {
        var label = args[0];
        var publishAt = args[1];
        var subscribeAt = args[2].Split(',');
        var count = int.Parse(args[3], CultureInfo.InvariantCulture);
        var messages = int.Parse(args[4], CultureInfo.InvariantCulture);
        var channel = $"bench:{label}:{count}:{Environment.ProcessId}";

        var subscribers = new List<Subscriber>();
        for (var i = 0; i < count; i++)
        {
            var connection = await RespProbeConnection.ConnectAsync(subscribeAt[i % subscribeAt.Length]);
            await connection.CallAsync("SUBSCRIBE", channel);
            subscribers.Add(new Subscriber(connection, LatencyMessages, messages));
        }

        var readers = subscribers.Select(s => Task.Run(s.ReadLoopAsync)).ToArray();
        await using var publisher = await RespProbeConnection.ConnectAsync(publishAt);

        // Subscriptions reach the other nodes by gossip: publish until every subscriber heard one.
        var started = Stopwatch.GetTimestamp();
        while (subscribers.Any(s => s.Warm == 0))
        {
            await publisher.CallAsync("PUBLISH", channel, "w");
            await Task.Delay(10);
            Check(started, "warm-up");
        }

        for (var i = 0; i < LatencyMessages; i++)
        {
            await publisher.CallAsync("PUBLISH", channel, "l:" + Stopwatch.GetTimestamp().ToString(CultureInfo.InvariantCulture));
        }

        await SettleAsync(subscribers, s => s.LatencyCount, LatencyMessages);

        using var window = new SemaphoreSlim(Window, Window);
        var replies = Task.Run(async () =>
        {
            for (var i = 0; i < messages; i++)
            {
                await publisher.ReadAsync();
                window.Release();
            }
        });
        var begin = Stopwatch.GetTimestamp();
        for (var i = 0; i < messages; i++)
        {
            await window.WaitAsync();
            await publisher.SendAsync(RespProbeConnection.Encode("PUBLISH", channel, "t:" + Stopwatch.GetTimestamp().ToString(CultureInfo.InvariantCulture)));
        }

        await replies;
        var published = Stopwatch.GetElapsedTime(begin);
        await SettleAsync(subscribers, s => s.LoadCount, messages);
        var delivered = subscribers.Max(s => s.LastAt) - begin;
        long deliveries = subscribers.Sum(s => s.LoadCount);

        var latency = subscribers.SelectMany(s => s.Latency.Take(s.LatencyCount)).Order().ToArray();
        var loaded = subscribers.SelectMany(s => s.Loaded.Take(s.LoadCount)).Order().ToArray();
        var deliveredSeconds = (double)delivered / Stopwatch.Frequency;
        var share = (deliveries + latency.Length) * 100.0 / ((long)(messages + LatencyMessages) * count);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label},{count},{messages / published.TotalSeconds:0},{deliveries / deliveredSeconds:0},{Percentile(latency, 0.50):0.000},{Percentile(latency, 0.99):0.000},{Percentile(loaded, 0.50):0.000},{Percentile(loaded, 0.99):0.000},{share:0.###}"));
        foreach (var subscriber in subscribers)
        {
            await subscriber.Connection.DisposeAsync();
        }

        await Task.WhenAll(readers.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)));
    }

    internal static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private static void Check(long started, string phase)
    {
        if (Stopwatch.GetElapsedTime(started) > PhaseTimeout)
        {
            throw new TimeoutException($"The {phase} did not finish within {PhaseTimeout.TotalSeconds} s.");
        }
    }

    // Until every subscriber read all it was sent, or nothing arrived for StallTimeout (pub/sub
    // is at most once: a lost message is reported in the delivered share, not waited for).
    private static async Task SettleAsync(List<Subscriber> subscribers, Func<Subscriber, int> received, int expected)
    {
        var last = -1L;
        var since = Stopwatch.GetTimestamp();
        while (true)
        {
            long total = subscribers.Sum(received);
            if (total == (long)expected * subscribers.Count)
            {
                return;
            }

            if (total != last)
            {
                last = total;
                since = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(since) > StallTimeout)
            {
                return;
            }

            await Task.Delay(1);
        }
    }

    private sealed class Subscriber(RespProbeConnection connection, int latencyMessages, int messages)
    {
        private int _latencyCount;
        private int _loadCount;
        private int _warm;

        public RespProbeConnection Connection { get; } = connection;

        public double[] Latency { get; } = new double[latencyMessages];

        public double[] Loaded { get; } = new double[messages];

        public int Warm => Volatile.Read(ref _warm);

        public int LatencyCount => Volatile.Read(ref _latencyCount);

        public int LoadCount => Volatile.Read(ref _loadCount);

        public long LastAt { get; private set; }

        public async Task ReadLoopAsync()
        {
            while (true)
            {
                if (await Connection.ReadAsync() is not List<object?> { Count: 3 } frame || frame[2] is not string payload)
                {
                    continue;
                }

                var now = Stopwatch.GetTimestamp();
                if (payload == "w")
                {
                    Volatile.Write(ref _warm, 1);
                    continue;
                }

                var ms = (now - long.Parse(payload.AsSpan(2), CultureInfo.InvariantCulture)) * 1000.0 / Stopwatch.Frequency;
                if (payload[0] == 'l')
                {
                    Latency[_latencyCount] = ms;
                    Volatile.Write(ref _latencyCount, _latencyCount + 1);
                }
                else
                {
                    Loaded[_loadCount] = ms;
                    LastAt = now;
                    Volatile.Write(ref _loadCount, _loadCount + 1);
                }
            }
        }
    }
}
