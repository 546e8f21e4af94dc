using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Cluster.Faults;

/// <summary>
/// A client writing through one node, from the lab's client namespace: unique keys (each value
/// written once), and now and then one of a few keys the other writer writes too; every fifth
/// acknowledged unique write is read back at once through the same node (read your writes).
/// </summary>
internal sealed class FaultWriter(NetworkLab lab, int node, string name, string prefix)
{
    private const int SharedKeys = 8;

    public List<WriteRecord> Writes { get; } = [];

    public int StaleReads { get; private set; }

    public int Node => node;

    public async Task RunAsync(Func<FaultPhase> phase, CancellationToken stop)
    {
        RespTestClient? client = null;
        for (var seq = 0; !stop.IsCancellationRequested; seq++)
        {
            var shared = seq % 4 == 3;
            var key = shared ? $"{prefix}:s:{seq % SharedKeys}" : $"{prefix}:u:{name}:{seq}";
            var value = $"{name}:{seq}";
            var sentIn = phase();
            try
            {
                client ??= RespTestClient.Over(await lab.ConnectFromClientAsync(NetworkLab.ClientSideAddress(node), 6379));
                var reply = await client.CallAsync("SET", key, value);
                var outcome = reply == "+OK\r\n" ? WriteOutcome.Acked : WriteOutcome.Refused;
                Writes.Add(new WriteRecord(key, value, shared, sentIn, outcome, phase(), outcome == WriteOutcome.Acked ? "" : reply.TrimEnd()));
                if (outcome == WriteOutcome.Acked && !shared && seq % 5 == 0)
                {
                    var read = await client.CallAsync("GET", key);
                    if (!read.StartsWith('-') && read != $"${value.Length}\r\n{value}\r\n")
                    {
                        StaleReads++;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or TimeoutException or System.Net.Sockets.SocketException or ObjectDisposedException)
            {
                Writes.Add(new WriteRecord(key, value, shared, sentIn, WriteOutcome.Unknown, phase()));
                if (client is not null)
                {
                    await client.DisposeAsync();
                    client = null;
                }

                // The node is down or restarting: try again shortly (pacing, not synchronisation).
                await Task.Delay(200, CancellationToken.None);
            }

            // Pace the workload so the two cores it shares stay usable by the nodes.
            await Task.Delay(3, CancellationToken.None);
        }

        if (client is not null)
        {
            await client.DisposeAsync();
        }
    }
}
