using System.Buffers;
using System.Text;
using Cache.Node.Commands;
using Cache.Node.Configuration;
using Cache.Node.Resp;

namespace Cache.Node.Tests.Commands.Session;

/// <summary>The session acts on whatever its server's router decides: no cluster needed to see it.</summary>
public sealed class SessionRoutingTests
{
    private readonly ArrayBufferWriter<byte> _output = new();
    private readonly FixedRouter _router = new();
    private CacheServer _server;
    private ClientSession _session;

    public SessionRoutingTests()
    {
        (_server, _session) = Start(router: null);
    }

    private (CacheServer, ClientSession) Start(ICommandRouter? router)
    {
        var server = new CacheServer(NodeSettings.From(new NodeOptions()), TimeProvider.System, router);
        return (server, new ClientSession(server, _output, "127.0.0.1:50000", "127.0.0.1:6379", isLoopback: true));
    }

    /// <summary>Swaps in a server whose router answers what the test says.</summary>
    private void UseFixedRouter() => (_server, _session) = Start(_router);

    [Fact]
    public void A_server_routes_everything_here_until_a_cluster_router_is_set()
    {
        Assert.Same(StandaloneRouter.Instance, _server.Router);
        Assert.Equal("+OK\r\n", Run("SET", "k", "v"));
        Assert.Equal("$1\r\nv\r\n", Run("GET", "k"));
    }

    [Fact]
    public void Only_keyed_commands_are_routed()
    {
        UseFixedRouter();
        _router.Decision = RouteDecision.Moved(42, "10.0.0.9:7000");
        Assert.Equal("+PONG\r\n", Run("PING"));
        Assert.Equal(0, _router.Calls);
        Assert.Equal("-MOVED 42 10.0.0.9:7000\r\n", Run("GET", "k"));
        Assert.Equal(1, _router.Calls);
    }

    [Fact]
    public void A_crossslot_inside_multi_fails_the_transaction()
    {
        UseFixedRouter();
        Assert.Equal("+OK\r\n", Run("MULTI"));
        _router.Decision = RouteDecision.CrossSlot(3);
        Assert.Equal("-CROSSSLOT Keys in request don't hash to the same slot\r\n", Run("MGET", "a", "b"));
        Assert.True(_session.Transaction.Failed);
        Assert.Equal("-EXECABORT Transaction discarded because of previous errors.\r\n", Run("EXEC"));
        Assert.False(_session.Transaction.InMulti);
    }

    [Fact]
    public void A_keyed_command_queued_in_multi_pins_the_transaction_to_its_slot()
    {
        UseFixedRouter();
        Run("MULTI");
        Assert.Equal(-1, _session.Transaction.PinnedSlot);
        _router.Decision = RouteDecision.Local(7);
        Assert.Equal("+QUEUED\r\n", Run("SET", "k", "v"));
        Assert.Equal(7, _session.Transaction.PinnedSlot);
        Assert.Equal("*1\r\n+OK\r\n", Run("EXEC"));
        Assert.Equal(-1, _session.Transaction.Slot);
    }

    [Fact]
    public void A_transaction_for_another_node_is_queued_here_and_forgets_its_owner_on_discard()
    {
        UseFixedRouter();
        Run("MULTI");
        _router.Decision = RouteDecision.ForwardTransaction(9, "10.0.0.9:7000");
        Assert.Equal("+QUEUED\r\n", Run("SET", "k", "v"));
        Assert.Equal("10.0.0.9:7000", _session.Transaction.ForwardTo);
        Assert.Equal("+OK\r\n", Run("DISCARD"));
        Assert.Null(_session.Transaction.ForwardTo);
        Assert.Equal(-1, _session.Transaction.Slot);
    }

    [Fact]
    public async Task A_slot_being_handed_off_runs_the_command_at_its_turn_once_the_pull_is_in()
    {
        UseFixedRouter();
        var pull = new TaskCompletionSource();
        _router.Decision = RouteDecision.WaitForHandOff(5, pull.Task);
        Assert.Equal("", Run("SET", "k", "v"));
        Assert.True(_session.EndBatch);
        Assert.True(_session.Replies.HasDeferred);

        var drain = _session.DrainAsync();
        Assert.False(drain.IsCompleted);
        pull.SetResult();
        await drain.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("+OK\r\n", Encoding.ASCII.GetString(_output.WrittenSpan));
    }

    private string Run(params string[] args)
    {
        var data = new List<byte>();
        var ranges = new List<ArgRange>();
        foreach (var arg in args)
        {
            ranges.Add(new(data.Count, arg.Length));
            data.AddRange(Encoding.ASCII.GetBytes(arg));
        }

        _output.ResetWrittenCount();
        using (_server.Keys.Enter())
        {
            _session.Execute(new QueuedRequest([.. data], [.. ranges]).AsRequest());
        }

        return Encoding.ASCII.GetString(_output.WrittenSpan);
    }

    private sealed class FixedRouter : ICommandRouter
    {
        public RouteDecision Decision { get; set; } = RouteDecision.Here;

        public int Calls { get; private set; }

        public RouteDecision Route(CommandDefinition command, in RespRequest request, ConnectionState connection, TransactionState transaction)
        {
            Calls++;
            return Decision;
        }
    }
}
