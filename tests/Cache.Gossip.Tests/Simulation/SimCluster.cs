using Cache.Gossip.Simulation;
using Cache.Gossip.Wire;

namespace Cache.Gossip.Tests.Simulation;

/// <summary>Many gossip nodes on one simulated network and clock; everything runs on the test thread.</summary>
internal sealed class SimCluster : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2031, 3, 14, 15, 9, 26, TimeSpan.Zero);

    private readonly int _seed;
    private readonly Action<GossipOptions>? _configure;

    public SimCluster(int seed = 7, Action<GossipOptions>? configure = null)
    {
        _seed = seed;
        _configure = configure;
        Clock = new SimulationClock(Start.AddMinutes(seed));
        Network = new SimulatedNetwork(Clock, seed);
    }

    public SimulationClock Clock { get; }

    public SimulatedNetwork Network { get; }

    public List<GossipNode> Nodes { get; } = [];

    public HashSet<GossipNode> Down { get; } = [];

    public IEnumerable<GossipNode> Live => Nodes.Where(n => !Down.Contains(n));

    public List<MembershipEvent> Events { get; } = [];

    public GossipNode Add(string name, Action<GossipOptions>? configure = null)
    {
        var options = GossipOptions.Lan();
        options.NodeName = name;
        options.RandomSeed = _seed * 100_003 + Nodes.Count;
        _configure?.Invoke(options);
        configure?.Invoke(options);
        var node = new GossipNode(options, Network.CreateTransport(name), Clock);
        node.MembershipChanged += (_, e) => Events.Add(e);
        var start = node.StartAsync();
        Assert.True(start.IsCompletedSuccessfully);
        Nodes.Add(node);
        return node;
    }

    /// <summary>Adds n nodes named n0000.. and joins each through n0000.</summary>
    public void AddJoined(int count, Action<GossipOptions>? configure = null)
    {
        for (var i = 0; i < count; i++)
        {
            var node = Add($"n{Nodes.Count:D4}", configure);
            if (Nodes.Count > 1)
            {
                node.StartJoin(Nodes[0].Name);
            }
        }
    }

    /// <summary>Every live node sees exactly the live nodes as alive.</summary>
    public bool Converged()
    {
        var live = Nodes.Count - Down.Count;
        foreach (var n in Live)
        {
            var members = n.Members;
            if (members.CountIn(MemberState.Alive) != live)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Every live node sees <paramref name="dead"/> as dead (or already reaped).</summary>
    public bool AllSeeDead(GossipNode dead) =>
        Live.All(n => n.Members[dead.Name] is not { State: MemberState.Alive or MemberState.Suspect });

    public async Task KillAsync(GossipNode node)
    {
        Network.Kill(node.Name);
        Down.Add(node);
        await node.DisposeAsync();
    }

    /// <summary>Advances in 10 ms steps until the condition holds; returns the simulated time it took.</summary>
    public TimeSpan RunUntil(Func<bool> condition, TimeSpan limit)
    {
        var start = Clock.Elapsed;
        var step = TimeSpan.FromMilliseconds(10);
        while (!condition())
        {
            Assert.True(Clock.Elapsed - start < limit, $"condition not reached within {limit} (simulated)");
            Clock.Advance(step);
        }

        return Clock.Elapsed - start;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var n in Nodes)
        {
            await n.DisposeAsync();
        }
    }
}
