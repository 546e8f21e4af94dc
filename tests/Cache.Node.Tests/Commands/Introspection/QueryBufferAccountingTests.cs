using Cache.Node.Commands;

namespace Cache.Node.Tests.Commands.Introspection;

/// <summary>qbuf and qbuf-free follow Redis' query buffer: 16 KiB reserved per read, freed when idle, trimmed to the peak.</summary>
public sealed class QueryBufferAccountingTests
{
    [Fact]
    public void A_first_small_read_reserves_one_read_chunk()
    {
        var buffer = new QueryBufferAccounting();
        buffer.Read(before: 0, buffered: 26);
        Assert.Equal(26, buffer.Pending);
        Assert.Equal(QueryBufferAccounting.ReadChunk - 26, buffer.Free);
        buffer.Buffered(0);
        Assert.Equal(0, buffer.Pending);
        Assert.Equal(QueryBufferAccounting.ReadChunk, buffer.Free);
    }

    [Fact]
    public void An_idle_client_loses_its_spare_room_after_more_than_two_seconds()
    {
        var buffer = new QueryBufferAccounting();
        buffer.Read(0, 40);
        buffer.Buffered(0);
        buffer.Resize(idleSeconds: 2);
        Assert.Equal(QueryBufferAccounting.ReadChunk, buffer.Free);
        buffer.Resize(idleSeconds: 3);
        Assert.Equal(0, buffer.Free);
        Assert.Equal(0, buffer.Pending);
    }

    [Fact]
    public void A_big_buffer_shrinks_to_the_recent_peak_but_not_to_nothing_while_busy()
    {
        var buffer = new QueryBufferAccounting();
        long held = 0;
        for (var read = 0; read < 100; read++)
        {
            buffer.Read(held, held + 4096);
            held += 4096;
        }

        buffer.Buffered(0);
        var big = buffer.Free;
        Assert.True(big > QueryBufferAccounting.ResizeThreshold);

        // The cron first sees the big peak; small commands since then make the next peak small.
        buffer.Resize(idleSeconds: 0);
        Assert.Equal(big, buffer.Free);
        buffer.Read(0, 40);
        buffer.Buffered(0);
        buffer.Resize(idleSeconds: 0);
        Assert.Equal(QueryBufferAccounting.ReadChunk, buffer.Free);
    }

    [Fact]
    public void A_buffer_below_the_resize_threshold_keeps_its_room_while_busy()
    {
        var buffer = new QueryBufferAccounting();
        buffer.Read(0, 20_000);
        buffer.Buffered(0);
        buffer.Resize(0);
        buffer.Resize(0);
        Assert.Equal(20_000, buffer.Free);
    }
}
