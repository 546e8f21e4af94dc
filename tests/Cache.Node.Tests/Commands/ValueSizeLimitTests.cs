using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Commands;

/// <summary>A key and its value share one array, so proto-max-bulk-len stops below 1 GB and nothing can overflow it.</summary>
public sealed class ValueSizeLimitTests
{
    [Fact]
    public async Task Proto_max_bulk_len_cannot_be_raised_past_what_a_value_can_hold()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.StartsWith("-ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument must be between",
            await client.CallAsync("CONFIG", "SET", "proto-max-bulk-len", "4gb"), StringComparison.Ordinal);
        // Redis' wording, with our upper bound (Redis' is 2^63-1; a record here is one array).
        Assert.Equal("-ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument must be between 1048576 and 1073676288 inclusive\r\n",
            await client.CallAsync("CONFIG", "SET", "proto-max-bulk-len", "1"));
        Assert.Equal("+OK\r\n", await client.CallAsync("CONFIG", "SET", "proto-max-bulk-len", "1000mb"));

        // Far past any limit: refused before a key is created, the connection stays usable.
        Assert.Equal("-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n", await client.CallAsync("SETRANGE", "k", "3000000000", "x"));
        Assert.Equal(":0\r\n", await client.CallAsync("EXISTS", "k"));
        Assert.Equal("+PONG\r\n", await client.CallAsync("PING"));
    }

    [Fact]
    public void A_start_up_value_past_it_is_refused_with_one_line() =>
        Assert.StartsWith("--proto-max-bulk-len must be a size from 1mb to 1gb less 64kb",
            Cache.Node.Configuration.NodeOptionsValidator.Validate(new Cache.Node.Configuration.NodeOptions { ProtoMaxBulkLen = "2gb" }), StringComparison.Ordinal);
}
