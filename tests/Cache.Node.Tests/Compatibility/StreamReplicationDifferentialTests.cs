using System.Text.RegularExpressions;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Compatibility;

/// <summary>
/// What stream commands put into the replication stream, against redis-server: a SYNC client on
/// each server records the commands a script propagates, compared after the clock's values (ids
/// from "*", delivery times) are replaced by a token.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed partial class StreamReplicationDifferentialTests(DifferentialFixture redis)
{
    private const string EndKey = "zz-end-of-script";

    [Fact]
    public Task Xadd_and_xtrim_propagate_the_ids_and_exact_trims_they_ended_with() => AssertSameStreamAsync(
        "XADD s * a 1", "XADD s 5-* b 2", "XADD s 7-3 c 3", "XADD s 7 c 3", "XADD s MAXLEN ~ 1 * d 4", "XADD s MAXLEN = 2 * e 5",
        "XADD s MINID ~ 0 * f 6", "XADD s MAXLEN ~ 1 LIMIT 10 * g 7", "XTRIM s MAXLEN ~ 0", "XTRIM s MAXLEN 3", "XTRIM s MAXLEN 3",
        "XTRIM s MINID ~ 99999999999999", "XTRIM s MINID 99999999999999", "XADD s 1-1 bad id", "XADD s NOMKSTREAM * a 1",
        "XADD nokey NOMKSTREAM * a 1", "XDEL s 1-1", "XDEL s 7-3", "XSETID s 99999999999999-5", "XSETID s 1-1",
        "XADD t MAXLEN ~ 0 * a 1", "XTRIM t MINID ~ 0");

    [Fact]
    public Task Group_reads_propagate_as_xclaim_and_setid() => AssertSameStreamAsync(
        "XADD s 1-0 x 1", "XADD s 2-0 x 2", "XADD s 3-0 x 3", "XADD s 4-0 x 4", "XGROUP CREATE s g 0",
        "XREADGROUP GROUP g alice COUNT 2 STREAMS s >", "XREADGROUP GROUP g bob NOACK COUNT 1 STREAMS s >",
        "XREADGROUP GROUP g bob NOACK STREAMS s >", "XREADGROUP GROUP g bob NOACK STREAMS s >", "XGROUP SETID s g 0",
        "XREADGROUP GROUP g carol COUNT 1 STREAMS s >", "XREADGROUP GROUP g carol STREAMS s 0", "XREADGROUP GROUP g dan STREAMS s 0",
        "MULTI", "XREADGROUP GROUP g alice STREAMS s >", "XREADGROUP GROUP g alice STREAMS s >", "EXEC",
        "XREADGROUP GROUP nogroup alice STREAMS s >", "XACK s g 1-0", "XACK s g 1-0",
        "XGROUP CREATECONSUMER s g gina", "XGROUP CREATECONSUMER s g gina", "XGROUP DELCONSUMER s g gina", "XGROUP DELCONSUMER s g gina",
        "XGROUP CREATE s g2 $", "XGROUP CREATE s g2 $", "XGROUP DESTROY s g2", "XGROUP DESTROY s g2");

    [Fact]
    public Task Claims_propagate_one_xclaim_per_entry_and_drop_deleted_ones() => AssertSameStreamAsync(
        "XADD s 1-1 a 1", "XADD s 2-1 a 1", "XADD s 3-1 a 1", "XADD s 4-1 a 1", "XGROUP CREATE s g 0",
        "XREADGROUP GROUP g a STREAMS s >", "XDEL s 2-1", "XCLAIM s g b 0 1-1 2-1 3-1", "XCLAIM s g b 0 1 RETRYCOUNT 7 JUSTID",
        "XCLAIM s g b 3600000 3-1", "XCLAIM s g c 0 9-1 LASTID 9-1", "XCLAIM s g c 0 4-1 LASTID 10-1", "XCLAIM s g c 0 3-1 IDLE 5000 FORCE",
        "XDEL s 3-1", "XAUTOCLAIM s g d 0 0", "XAUTOCLAIM s g e 0 0 COUNT 1 JUSTID", "XAUTOCLAIM s g e 3600000 0",
        "XADD s 5-1 a 1", "XCLAIM s g f 0 5-1", "XCLAIM s g f 0 5-1 FORCE");

    [Fact]
    public async Task A_blocked_group_read_served_by_xadd_propagates_its_claim()
    {
        var ours = await RecordAsync(redis.Node.Port, BlockedScriptAsync);
        var theirs = await RecordAsync(redis.Redis.Port, BlockedScriptAsync);
        Assert.Equal(theirs, ours);
        Assert.Contains(ours, c => c.StartsWith("XCLAIM s g waiter 0 ", StringComparison.Ordinal));
        Assert.Contains(ours, c => c.StartsWith("XGROUP CREATECONSUMER s g quiet", StringComparison.Ordinal));

        static async Task BlockedScriptAsync(RespTestClient client, int port)
        {
            await client.CallAsync("XADD", "s", "1-0", "a", "1");
            await client.CallAsync("XGROUP", "CREATE", "s", "g", "$");
            foreach (var (consumer, noAck) in new[] { ("waiter", false), ("quiet", true) })
            {
                await using var blocked = await RespTestClient.ConnectAsync(port);
                string[] read = noAck
                    ? ["XREADGROUP", "GROUP", "g", consumer, "NOACK", "BLOCK", "0", "STREAMS", "s", ">"]
                    : ["XREADGROUP", "GROUP", "g", consumer, "BLOCK", "0", "STREAMS", "s", ">"];
                await blocked.SendAsync(read);
                await WaitBlockedAsync(client);
                await client.CallAsync("XADD", "s", "*", "b", consumer);
                Assert.StartsWith("*1", await blocked.ReadReplyAsync(), StringComparison.Ordinal);
            }
        }
    }

    private async Task AssertSameStreamAsync(params string[] commands)
    {
        async Task Script(RespTestClient client, int port)
        {
            foreach (var command in commands)
            {
                await client.CallAsync(command.Split(' '));
            }
        }

        var ours = await RecordAsync(redis.Node.Port, Script);
        var theirs = await RecordAsync(redis.Redis.Port, Script);
        Assert.True(theirs.SequenceEqual(ours), $"redis:\n{string.Join('\n', theirs)}\nours:\n{string.Join('\n', ours)}");
        Assert.NotEmpty(ours);
    }

    /// <summary>Runs a script on a server with a SYNC client attached; returns what it received, normalised.</summary>
    private static async Task<List<string>> RecordAsync(int port, Func<RespTestClient, int, Task> script)
    {
        await using var client = await RespTestClient.ConnectAsync(port);
        Assert.Equal("+OK\r\n", await client.CallAsync("FLUSHALL"));
        await using var replica = await RespTestClient.ConnectAsync(port);
        await replica.SendAsync("SYNC");
        await replica.ReadSyncPayloadAsync();
        await script(client, port);
        await client.CallAsync("SET", EndKey, "1");
        var commands = new List<string>();
        while (true)
        {
            var args = Words(await replica.ReadReplyAsync());
            if (args is ["SET", EndKey, _])
            {
                return commands;
            }

            if (args is not ["PING"] and not ["SELECT", _])
            {
                commands.Add(Clock().Replace(string.Join(' ', args), "T"));
            }
        }
    }

    private static async Task WaitBlockedAsync(RespTestClient client)
    {
        for (var i = 0; i < 500; i++)
        {
            if ((await client.CallAsync("INFO", "clients")).Contains("blocked_clients:1", StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(10, CancellationToken.None);
        }

        Assert.Fail("The reader never blocked.");
    }

    /// <summary>A propagated command's arguments (the test's arguments hold no CR or LF).</summary>
    private static string[] Words(string reply)
    {
        var lines = reply.Split("\r\n");
        Assert.StartsWith("*", lines[0], StringComparison.Ordinal);
        return [.. lines.Skip(2).Where((_, i) => i % 2 == 0).Take(int.Parse(lines[0].AsSpan(1)))];
    }

    // Unix milliseconds of this century's clock, alone or as an id's first part.
    [GeneratedRegex(@"\b1[6-9]\d{11}(-\d+)?\b")]
    private static partial Regex Clock();
}
