using System.Buffers;
using System.Text;
using Cache.Node.Commands;
using Cache.Node.Resp;

namespace Cache.Node.Tests.Commands.Session;

/// <summary>The reply queue keeps one connection's replies in request order whatever waits.</summary>
public sealed class ReplyQueueTests
{
    private readonly ArrayBufferWriter<byte> _output = new();
    private readonly ReplyWriter _reply;
    private readonly ReplyQueue _replies;

    public ReplyQueueTests()
    {
        _reply = new ReplyWriter(_output);
        _replies = new ReplyQueue(_reply, _output);
    }

    private string Written => Encoding.ASCII.GetString(_output.WrittenSpan);

    [Fact]
    public void Replies_go_straight_out_until_one_waits()
    {
        _reply.SimpleString("a");
        Assert.Equal("+a\r\n", Written);
        Assert.False(_replies.HasDeferred);
    }

    [Fact]
    public async Task Local_replies_behind_a_waiting_one_are_held_and_everything_drains_in_request_order()
    {
        var forwarded = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        _reply.SimpleString("a");
        _replies.Defer(forwarded.Task);
        _reply.SimpleString("c");
        _replies.Defer(Task.FromResult("+d\r\n"u8.ToArray()));
        _reply.SimpleString("e");

        Assert.Equal("+a\r\n", Written);
        // The two waiting replies and the run of local replies between them; the last run is sealed when the drain starts.
        Assert.Equal(3, _replies.DeferredCount);

        var drain = _replies.DrainAsync();
        Assert.False(drain.IsCompleted);
        forwarded.SetResult("+b\r\n"u8.ToArray());
        await drain;

        Assert.Equal("+a\r\n+b\r\n+c\r\n+d\r\n+e\r\n", Written);
        Assert.False(_replies.HasDeferred);

        // Back to writing straight out.
        _reply.SimpleString("f");
        Assert.EndsWith("+e\r\n+f\r\n", Written);
    }

    [Fact]
    public async Task A_reply_computed_at_its_turn_starts_only_after_every_earlier_reply_was_written()
    {
        var slow = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        string? seenWhenStarted = null;
        _replies.Defer(slow.Task);
        _reply.SimpleString("b");
        _replies.Defer(() =>
        {
            seenWhenStarted = Written;
            return Task.FromResult("+c\r\n"u8.ToArray());
        });

        var drain = _replies.DrainAsync();
        Assert.Null(seenWhenStarted);
        slow.SetResult("+a\r\n"u8.ToArray());
        await drain;

        Assert.Equal("+a\r\n+b\r\n", seenWhenStarted);
        Assert.Equal("+a\r\n+b\r\n+c\r\n", Written);
    }

    [Fact]
    public async Task A_failed_waiting_reply_becomes_a_tryagain_error_in_its_place()
    {
        _replies.Defer(Task.FromException<byte[]>(new InvalidOperationException("line one\r\nline two")));
        _reply.SimpleString("after");
        await _replies.DrainAsync();
        Assert.Equal("-TRYAGAIN line one  line two\r\n+after\r\n", Written);
    }

    [Fact]
    public async Task A_redirection_captures_replies_and_nests_back_to_where_the_writer_wrote_before()
    {
        var outer = new ArrayBufferWriter<byte>();
        var inner = new ArrayBufferWriter<byte>();
        _replies.Defer(Task.FromResult("+a\r\n"u8.ToArray()));
        using (_replies.Redirect(outer))
        {
            _reply.SimpleString("outer");
            using (_replies.Redirect(inner))
            {
                _reply.SimpleString("inner");
            }

            _reply.SimpleString("outer again");
        }

        // Back behind the waiting reply, not straight to the connection.
        _reply.SimpleString("b");
        Assert.Equal("", Written);
        Assert.Equal("+outer\r\n+outer again\r\n", Encoding.ASCII.GetString(outer.WrittenSpan));
        Assert.Equal("+inner\r\n", Encoding.ASCII.GetString(inner.WrittenSpan));

        await _replies.DrainAsync();
        Assert.Equal("+a\r\n+b\r\n", Written);
    }
}
