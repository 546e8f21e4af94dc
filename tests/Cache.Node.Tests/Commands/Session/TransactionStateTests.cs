using Cache.Node.Commands;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Tests.Commands.Session;

/// <summary>A connection's transaction state: what MULTI, a refusal, EXEC and DISCARD leave behind.</summary>
public sealed class TransactionStateTests
{
    private static readonly CommandTable Commands = CommandTable.CreateDefault();
    private readonly KeySpace _keys = new(TimeProvider.System);
    private readonly TransactionState _transaction = new();

    [Fact]
    public void A_refusal_outside_multi_fails_nothing()
    {
        _transaction.Fail();
        Assert.False(_transaction.Failed);
        Assert.False(_transaction.Queued(CommandFlags.DenyOom));
    }

    [Fact]
    public void Multi_queues_and_knows_what_it_queued()
    {
        _transaction.Begin();
        Assert.True(_transaction.InMulti);
        Assert.False(_transaction.Queued(CommandFlags.DenyOom));
        _transaction.Enqueue(Commands.Find("set")!, QueuedRequest.From(["SET"u8.ToArray(), "k"u8.ToArray(), "v"u8.ToArray()]));
        Assert.True(_transaction.Queued(CommandFlags.DenyOom));
        Assert.Single(_transaction.Queue!);
    }

    [Fact]
    public void The_slot_is_pinned_only_once_something_is_queued()
    {
        _transaction.Begin();
        _transaction.Pin(12);
        Assert.Equal(-1, _transaction.PinnedSlot);
        _transaction.Enqueue(Commands.Find("get")!, QueuedRequest.From(["GET"u8.ToArray(), "k"u8.ToArray()]));
        Assert.Equal(12, _transaction.PinnedSlot);
    }

    [Fact]
    public void Ending_leaves_multi_forgets_the_route_and_drops_the_watches()
    {
        using (_keys.Enter())
        {
            _keys.Watch("k"u8, _transaction.Watch);
            _transaction.Begin();
            _transaction.Fail();
            _transaction.Pin(3);
            _transaction.ForwardTo = "10.0.0.2:6379";

            _transaction.End(_keys);
        }

        Assert.False(_transaction.InMulti);
        Assert.False(_transaction.Failed);
        Assert.Equal(-1, _transaction.Slot);
        Assert.Null(_transaction.ForwardTo);
        Assert.Empty(_transaction.Watch.Keys);
    }

    [Fact]
    public void Forgetting_keeps_the_watches_for_exec_to_check()
    {
        using (_keys.Enter())
        {
            _keys.Watch("k"u8, _transaction.Watch);
        }

        _transaction.Begin();
        _transaction.Forget();
        Assert.False(_transaction.InMulti);
        Assert.Single(_transaction.Watch.Keys);
    }
}
