using System.Diagnostics;
using System.Globalization;

namespace Cache.Benchmarks;

/// <summary>
/// <c>invalidation LABEL WRITE_AT TRACK_AT COUNT</c>: a RESP3 client with <c>CLIENT TRACKING ON</c>
/// at TRACK_AT reads a key (so it is tracked), a plain client at WRITE_AT overwrites it, and the time
/// from sending the SET to the tracking client reading the invalidation push is measured, COUNT
/// times one after another. Prints label,count,p50 ms,p99 ms,max ms.
/// </summary>
internal static class InvalidationProbe
{
    public static async Task RunAsync(string[] args)
    {
        var label = args[0];
        var count = int.Parse(args[3], CultureInfo.InvariantCulture);
        await using var tracker = await RespProbeConnection.ConnectAsync(args[2]);
        await using var writer = await RespProbeConnection.ConnectAsync(args[1]);
        await tracker.CallAsync("HELLO", "3");
        // Cluster nodes: serve the local copy (a replica's too) rather than forwarding the read.
        await tracker.CallAsync("READONLY");
        await tracker.CallAsync("CLIENT", "TRACKING", "ON");
        var key = $"inv:{label}:{Environment.ProcessId}";
        await writer.CallAsync("SET", key, "0");
        var latencies = new double[count];
        for (var i = 0; i < count + 100; i++)
        {
            // The read that makes the node track the key (pushes of earlier rounds are skipped).
            await tracker.SendAsync(RespProbeConnection.Encode("GET", key));
            while (await tracker.ReadAsync() is List<object?> { Count: > 0 } push && push[0] is "invalidate")
            {
            }

            var sent = Stopwatch.GetTimestamp();
            await writer.SendAsync(RespProbeConnection.Encode("SET", key, i.ToString(CultureInfo.InvariantCulture)));
            while (await tracker.ReadAsync() is not List<object?> { Count: 2 } frame || frame[0] is not "invalidate")
            {
            }

            var ms = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            await writer.ReadAsync();
            if (i >= 100)
            {
                latencies[i - 100] = ms;
            }
        }

        Array.Sort(latencies);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label},{count},{PubSubProbe.Percentile(latencies, 0.50):0.000},{PubSubProbe.Percentile(latencies, 0.99):0.000},{latencies[^1]:0.000}"));
    }
}
