using System.Text;
using Cache.Gossip.Ring;
using Cache.Node.Cluster.Routing;
using Cache.Node.Commands;
using Cache.Node.Resp;

namespace Cache.Node.Tests.Cluster.Routing;

/// <summary>
/// The cluster router's decisions, as a pure function of the ring, the connection and the
/// transaction: three nodes, two copies of each slot, this node is "a".
/// </summary>
public sealed class ClusterCommandRouterTests
{
    private static readonly CommandTable Commands = CommandTable.CreateDefault();
    private readonly SlotMap _ring = SlotMap.Build([new RingNode("a"), new RingNode("b"), new RingNode("c")], replicas: 2);
    private readonly FakeRoutingTopology _topology;
    private readonly ConnectionState _connection = new(1, "127.0.0.1:5000", "127.0.0.1:6379", isLoopback: true, authenticated: true, createdAtMs: 0);
    private readonly TransactionState _transaction = new();

    public ClusterCommandRouterTests() => _topology = new FakeRoutingTopology(_ring, "a");

    private int Self => _ring.IndexOf("a");

    [Fact]
    public void A_one_node_ring_runs_everything_here_without_looking_at_slots()
    {
        _topology.Ring = SlotMap.Build([new RingNode("a")], replicas: 1);
        var route = Route(readQuorum: 2, "GET", KeyWhere(_ => true));
        Assert.Equal(RouteKind.Local, route.Kind);
        Assert.Equal(-1, route.Slot);
    }

    [Fact]
    public void A_key_this_node_is_primary_for_runs_here()
    {
        var key = KeyWhere(owners => owners[0] == Self);
        var route = Route("SET", key, "v");
        Assert.Equal(RouteKind.Local, route.Kind);
        Assert.Equal(HashSlot.ForKey(Encoding.ASCII.GetBytes(key)), route.Slot);
        Assert.Equal(RouteFlags.None, route.Flags);
    }

    [Fact]
    public void A_plain_clients_key_held_elsewhere_is_forwarded_to_the_primary()
    {
        var key = KeyWhere(owners => !owners.Contains(Self));
        var route = Route("GET", key);
        Assert.Equal(RouteKind.Forward, route.Kind);
        Assert.Equal(PrimaryEndpoint(key), route.Endpoint);
        Assert.False(route.Has(RouteFlags.FallBackHere));
    }

    [Fact]
    public void A_replica_forwards_to_the_primary_but_may_run_it_here_when_the_primary_cannot_be_reached()
    {
        var key = KeyWhere(owners => owners[0] != Self && owners.Contains(Self));
        var route = Route("SET", key, "v");
        Assert.Equal(RouteKind.Forward, route.Kind);
        Assert.Equal(PrimaryEndpoint(key), route.Endpoint);
        Assert.True(route.Has(RouteFlags.FallBackHere));
    }

    [Fact]
    public void A_cluster_aware_client_is_sent_to_the_primary_with_moved()
    {
        _connection.ClusterAware = true;
        var key = KeyWhere(owners => owners[0] != Self);
        var route = Route("GET", key);
        Assert.Equal(RouteKind.Moved, route.Kind);
        Assert.Equal(HashSlot.ForKey(Encoding.ASCII.GetBytes(key)), route.Slot);
        Assert.Equal(PrimaryEndpoint(key), route.Endpoint);
    }

    [Fact]
    public void A_watch_of_a_key_owned_elsewhere_is_moved_even_for_a_plain_client_and_a_primary_that_looks_down()
    {
        var key = KeyWhere(owners => owners[0] != Self && owners.Contains(Self));
        _topology.Down.Add(PrimaryOf(key));
        Assert.Equal(RouteKind.Moved, Route("WATCH", key).Kind);
    }

    [Fact]
    public void Readonly_serves_reads_of_a_replicas_slots_here_but_not_writes()
    {
        _connection.ReadFromReplica = true;
        var key = KeyWhere(owners => owners[0] != Self && owners.Contains(Self));
        Assert.Equal(RouteKind.Local, Route("GET", key).Kind);
        Assert.Equal(RouteKind.Forward, Route("SET", key, "v").Kind);
        Assert.Equal(RouteKind.Forward, Route("GET", KeyWhere(owners => !owners.Contains(Self))).Kind);
    }

    [Fact]
    public void A_replica_serves_the_slot_itself_while_the_primary_looks_down_and_says_so()
    {
        var replicaKey = KeyWhere(owners => owners[0] != Self && owners.Contains(Self));
        var elsewhereKey = KeyWhere(owners => !owners.Contains(Self));
        _topology.Down.Add(PrimaryOf(replicaKey));
        _topology.Down.Add(PrimaryOf(elsewhereKey));

        var route = Route("SET", replicaKey, "v");
        Assert.Equal(RouteKind.Local, route.Kind);
        Assert.True(route.Has(RouteFlags.UnreachablePrimary));
        Assert.Equal(RouteKind.Forward, Route("SET", elsewhereKey, "v").Kind);
    }

    [Fact]
    public void A_slot_still_being_handed_off_waits_for_the_pull_except_inside_multi()
    {
        var key = KeyWhere(owners => owners[0] == Self);
        var pull = new TaskCompletionSource();
        _topology.Holds[SlotOf(key)] = pull.Task;

        var route = Route("GET", key);
        Assert.Equal(RouteKind.WaitForHandOff, route.Kind);
        Assert.Same(pull.Task, route.HandOffReady);

        _transaction.Begin();
        Assert.Equal(RouteKind.Local, Route("GET", key).Kind);
    }

    [Fact]
    public void Keys_in_several_slots_are_crossslot_unless_a_plain_client_sent_a_command_that_splits()
    {
        var (first, second) = KeysOfTwoOwners();
        Assert.Equal(RouteKind.CrossSlot, Route("RENAME", first, second).Kind);
        Assert.Equal(RouteKind.Split, Route("MGET", first, second).Kind);

        _transaction.Begin();
        Assert.Equal(RouteKind.CrossSlot, Route("MGET", first, second).Kind);

        _transaction.Forget();
        _connection.ClusterAware = true;
        Assert.Equal(RouteKind.CrossSlot, Route("DEL", first, second).Kind);
    }

    [Fact]
    public void A_key_without_its_value_runs_here_so_the_handler_refuses_it_instead_of_a_split()
    {
        var (first, second) = KeysOfTwoOwners();
        Assert.Equal(RouteKind.Split, Route("MSET", first, "1", second, "2").Kind);
        Assert.Equal(RouteKind.Local, Route("MSET", first, "1", second).Kind);
    }

    [Fact]
    public void A_split_groups_the_keys_by_primary_in_the_order_they_appear()
    {
        var mine = KeyWhere(owners => owners[0] == Self);
        var theirs = KeyWhere(owners => owners[0] != Self);
        var alsoTheirs = KeyWhere(owners => owners[0] == _ring.OwnerIndices(SlotOf(theirs))[0], except: theirs);
        var route = Route("MSET", theirs, "1", mine, "2", alsoTheirs, "3");
        Assert.Equal(RouteKind.Split, route.Kind);
        var plan = route.Split!;
        Assert.Equal(2, plan.Step);
        Assert.Equal(3, plan.KeyCount);
        Assert.Equal([PrimaryEndpoint(theirs), null], plan.Parts.Select(p => p.Endpoint));
        Assert.Equal(["1,5", "3"], plan.Parts.Select(p => string.Join(',', p.Positions)));
    }

    [Fact]
    public void With_a_read_quorum_a_primary_compares_single_key_reads_with_the_other_owner()
    {
        var key = KeyWhere(owners => owners[0] == Self);
        var route = Route(readQuorum: 2, "GET", key);
        Assert.Equal(RouteKind.QuorumRead, route.Kind);
        var replica = _ring.Nodes[_ring.OwnerIndices(SlotOf(key))[1]].Id;
        Assert.Equal([FakeRoutingTopology.EndpointOf(replica)], route.QuorumPeers!);

        Assert.Equal(RouteKind.Local, Route(readQuorum: 2, "SET", key, "v").Kind);
        Assert.Equal(RouteKind.Local, Route(readQuorum: 1, "GET", key).Kind);
        _transaction.Begin();
        Assert.Equal(RouteKind.Local, Route(readQuorum: 2, "GET", key).Kind);
    }

    [Fact]
    public void A_transaction_stays_in_the_slot_of_its_first_queued_key_and_goes_to_its_owner_at_exec()
    {
        var key = KeyWhere(owners => owners[0] != Self);
        _transaction.Begin();
        var route = Route("SET", key, "v");
        Assert.Equal(RouteKind.ForwardTransaction, route.Kind);
        Assert.Equal(PrimaryEndpoint(key), route.Endpoint);

        // The session pins the slot once the command is queued.
        _transaction.Pin(route.Slot);
        _transaction.Enqueue(Commands.Find("set")!, Request("SET", key, "v"));
        Assert.Equal(RouteKind.ForwardTransaction, Route("GET", key).Kind);
        var other = KeyWhere(owners => owners[0] == Self);
        Assert.Equal(RouteKind.CrossSlot, Route("GET", other).Kind);
    }

    [Fact]
    public void A_peers_command_always_runs_here_and_a_slot_this_node_does_not_hold_is_flagged()
    {
        _connection.IsPeer = true;
        var held = Route("SET", KeyWhere(owners => owners[0] != Self && owners.Contains(Self)), "v");
        Assert.Equal(RouteKind.Local, held.Kind);
        Assert.Equal(RouteFlags.None, held.Flags);

        var foreign = Route("SET", KeyWhere(owners => !owners.Contains(Self)), "v");
        Assert.Equal(RouteKind.Local, foreign.Kind);
        Assert.True(foreign.Has(RouteFlags.RingDisagreement));
    }

    [Fact]
    public void The_standalone_router_runs_everything_here()
    {
        var request = Request("GET", "k");
        var route = StandaloneRouter.Instance.Route(Commands.Find("get")!, request.AsRequest(), _connection, _transaction);
        Assert.Equal(RouteKind.Local, route.Kind);
        Assert.Equal(-1, route.Slot);
    }

    // Shaped as ZUNIONSTORE: a destination, then numkeys and that many keys (a movable-keys command).
    private static readonly CommandDefinition NumKeysCommand = new("numkeysstore", -4, CommandFlags.Write, null, "test", "A command whose keys numkeys counts.")
    {
        Keys = new([KeySpec.At(1, KeySpecFlags.OW | KeySpecFlags.Update), new KeySpec(KeySpecFlags.RO | KeySpecFlags.Access, KeyBeginSearch.AtIndex(2), KeyFindKeys.KeyNum(0, 1))]),
    };

    [Fact]
    public void A_movable_keys_command_is_routed_by_every_key_its_specs_find()
    {
        Assert.True(NumKeysCommand.Keys.IsMovable);
        var (here, elsewhere) = KeysOfTwoOwners();
        var router = new ClusterCommandRouter(_topology, 1);

        // The keys past the legacy first/last range decide: one foreign key makes it CROSSSLOT, never a split.
        var cross = router.Route(NumKeysCommand, Request("NUMKEYSSTORE", here, "2", here, elsewhere).AsRequest(), _connection, _transaction);
        Assert.Equal(RouteKind.CrossSlot, cross.Kind);

        var tagged = KeyWhere(owners => owners[0] != Self);
        var forwarded = router.Route(NumKeysCommand, Request("NUMKEYSSTORE", "{" + tagged + "}d", "2", "{" + tagged + "}a", "{" + tagged + "}b").AsRequest(), _connection, _transaction);
        Assert.Equal(RouteKind.Forward, forwarded.Kind);
        Assert.Equal(SlotOf(tagged), forwarded.Slot);

        var local = router.Route(NumKeysCommand, Request("NUMKEYSSTORE", "{" + here + "}d", "1", "{" + here + "}a").AsRequest(), _connection, _transaction);
        Assert.Equal(RouteKind.Local, local.Kind);
    }

    [Fact]
    public void A_movable_keys_command_whose_arguments_name_no_readable_keys_runs_here_for_its_handler_to_refuse()
    {
        var router = new ClusterCommandRouter(_topology, 1);
        var route = router.Route(NumKeysCommand, Request("NUMKEYSSTORE", "d", "notanumber", "a").AsRequest(), _connection, _transaction);
        Assert.Equal(RouteKind.Local, route.Kind);
    }

    private RouteDecision Route(string command, params string[] args) => Route(1, command, args);

    private RouteDecision Route(int readQuorum, string command, params string[] args)
    {
        var router = new ClusterCommandRouter(_topology, readQuorum);
        var definition = Commands.Find(command.ToLowerInvariant())!;
        return router.Route(definition, Request(command, args).AsRequest(), _connection, _transaction);
    }

    private static QueuedRequest Request(string command, params string[] args)
    {
        var data = new List<byte>();
        var ranges = new List<ArgRange>();
        foreach (var arg in args.Prepend(command))
        {
            ranges.Add(new(data.Count, arg.Length));
            data.AddRange(Encoding.ASCII.GetBytes(arg));
        }

        return new QueuedRequest([.. data], [.. ranges]);
    }

    private delegate bool OwnersMatch(ReadOnlySpan<int> owners);

    private string KeyWhere(OwnersMatch match, string? except = null)
    {
        for (var i = 0; ; i++)
        {
            var key = "key:" + i;
            if (key != except && match(_ring.OwnerIndices(SlotOf(key))))
            {
                return key;
            }
        }
    }

    private (string First, string Second) KeysOfTwoOwners()
    {
        var first = KeyWhere(owners => owners[0] == Self);
        return (first, KeyWhere(owners => owners[0] != Self));
    }

    private static int SlotOf(string key) => HashSlot.ForKey(Encoding.ASCII.GetBytes(key));

    private string PrimaryOf(string key) => _ring.Nodes[_ring.OwnerIndices(SlotOf(key))[0]].Id;

    private string PrimaryEndpoint(string key) => FakeRoutingTopology.EndpointOf(PrimaryOf(key));
}
