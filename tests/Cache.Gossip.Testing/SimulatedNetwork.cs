using Cache.Gossip.Transport;

namespace Cache.Gossip.Simulation;

/// <summary>
/// An in-memory network on a <see cref="SimulationClock"/>: latency with jitter, packet loss,
/// partitions, dead hosts and per-host processing delay. Deterministic for a given seed, since
/// every delivery is an item on the clock's single queue.
/// </summary>
public sealed class SimulatedNetwork
{
    private readonly Dictionary<string, SimulatedTransport> _hosts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _partition = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TimeSpan> _processingDelay = new(StringComparer.Ordinal);
    private readonly HashSet<string> _down = new(StringComparer.Ordinal);
    private readonly Random _random;

    /// <summary>Creates a network on a clock.</summary>
    public SimulatedNetwork(SimulationClock clock, int seed = 1)
    {
        Clock = clock;
        _random = new Random(seed);
    }

    /// <summary>The clock every delivery runs on.</summary>
    public SimulationClock Clock { get; }

    /// <summary>One-way latency.</summary>
    public TimeSpan Latency { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Uniform extra latency in [0, Jitter).</summary>
    public TimeSpan Jitter { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Probability that a datagram is lost.</summary>
    public double PacketLoss { get; set; }

    /// <summary>Datagrams delivered.</summary>
    public long PacketsDelivered { get; private set; }

    /// <summary>Datagram bytes sent (delivered or not).</summary>
    public long BytesSent { get; private set; }

    /// <summary>Largest datagram sent so far.</summary>
    public int LargestPacket { get; private set; }

    /// <summary>Stream bytes sent.</summary>
    public long StreamBytesSent { get; private set; }

    /// <summary>Sees every datagram as it is sent (from, to, bytes), delivered or not: a wiretap for replay tests.</summary>
    public event Action<string, string, byte[]>? PacketSent;

    /// <summary>Sees every stream request as it is sent (from, to, bytes).</summary>
    public event Action<string, string, byte[]>? StreamSent;

    /// <summary>Creates the transport of a host.</summary>
    public SimulatedTransport CreateTransport(string address)
    {
        var t = new SimulatedTransport(this, address);
        _hosts[address] = t;
        _down.Remove(address);
        return t;
    }

    /// <summary>Host stops sending and receiving (a crash or kill -9).</summary>
    public void Kill(string address) => _down.Add(address);

    /// <summary>Host is reachable again (its transport must be re-created by a new node).</summary>
    public void Revive(string address) => _down.Remove(address);

    /// <summary>Delays handling of everything the host receives.</summary>
    public void SetProcessingDelay(string address, TimeSpan delay) => _processingDelay[address] = delay;

    /// <summary>Splits hosts into groups: hosts only reach hosts of the same group (unlisted hosts are group 0).</summary>
    public void Partition(params IEnumerable<string>[] groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        _partition.Clear();
        for (var g = 0; g < groups.Length; g++)
        {
            foreach (var a in groups[g])
            {
                _partition[a] = g + 1;
            }
        }
    }

    /// <summary>Removes all partitions.</summary>
    public void Heal() => _partition.Clear();

    internal bool Reachable(string from, string to) =>
        !_down.Contains(from) && !_down.Contains(to) && _hosts.ContainsKey(to) &&
        _partition.GetValueOrDefault(from) == _partition.GetValueOrDefault(to);

    internal void Send(string from, string to, byte[] packet)
    {
        BytesSent += packet.Length;
        PacketSent?.Invoke(from, to, packet);
        LargestPacket = Math.Max(LargestPacket, packet.Length);
        if (!Reachable(from, to) || (PacketLoss > 0 && _random.NextDouble() < PacketLoss))
        {
            return;
        }

        Clock.Schedule(Delay(to), () =>
        {
            if (!Reachable(from, to))
            {
                return;
            }

            PacketsDelivered++;
            _hosts[to].Deliver(from, packet);
        });
    }

    internal void Exchange(string from, string to, byte[] request, TimeSpan timeout, Action<byte[]?> onResponse)
    {
        StreamBytesSent += request.Length;
        StreamSent?.Invoke(from, to, request);
        var done = false;
        void Complete(byte[]? r)
        {
            if (done)
            {
                return;
            }

            done = true;
            onResponse(r);
        }

        Clock.Schedule(timeout, () => Complete(null));
        if (!Reachable(from, to))
        {
            return;
        }

        Clock.Schedule(Delay(to), () =>
        {
            if (done || !Reachable(from, to))
            {
                return;
            }

            var response = _hosts[to].Serve(from, request);
            if (response is null)
            {
                return;
            }

            StreamBytesSent += response.Length;
            Clock.Schedule(Delay(from), () =>
            {
                if (Reachable(to, from))
                {
                    Complete(response);
                }
            });
        });
    }

    private TimeSpan Delay(string to)
    {
        var d = Latency + _processingDelay.GetValueOrDefault(to);
        if (Jitter > TimeSpan.Zero)
        {
            d += TimeSpan.FromTicks((long)(_random.NextDouble() * Jitter.Ticks));
        }

        return d;
    }
}
