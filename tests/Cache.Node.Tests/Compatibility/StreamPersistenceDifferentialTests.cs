using System.Text;
using System.Text.RegularExpressions;
using Cache.Node.Storage;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Compatibility;

/// <summary>
/// Streams in DUMP's payload and the RDB format, against redis-server: a payload DUMPed on one
/// server RESTOREs on the other with the same entries, counters, groups, pending entries and
/// consumers (XINFO STREAM FULL alike but for radix-tree-nodes, which counts Redis' tree nodes);
/// Redis 6's stream type loads; DEBUG RELOAD keeps a stream; a damaged payload is bad data.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed partial class StreamPersistenceDifferentialTests(DifferentialFixture redis)
{
    // DUMPed by a Redis 5 (RDB type 15), from Redis' own stream-cgroups test: six entries, 3-0
    // deleted, groups g1 (four read by c11) and g2, then XTRIM MAXLEN = 2.
    private const string LegacyPayload =
        "0F011000000000000000010000000000000000C3404A40571657000000230002010401010184646174610500010301002001038161020420" +
        "0A0001400A0062600A0002400A0063600A4022018164200A4039200A0065600A0005400A0066200A00FF0206000202673105000400000000" +
        "0000000100000000000000003EF783437A01000001000000000000000200000000000000003EF783437A0100000100000000000000040000" +
        "0000000000003EF783437A01000001000000000000000500000000000000003EF783437A0100000101036331313EF783437A010000040000" +
        "0000000000010000000000000000000000000000000200000000000000000000000000000004000000000000000000000000000000050000" +
        "0000000000000267320000000009003D52EF6867521DFA";

    private static readonly string[] Setup =
    [
        "XADD s 1-1 a 1 b 2", "XADD s 1-2 a 3 b 4", "XADD s 2-0 c 5", "XADD s 3-0 a 1 b 2", "XADD s 4-0 a 100000 b -5000 c 70000000000",
        "XDEL s 1-2", "XGROUP CREATE s g1 0", "XGROUP CREATE s g2 $", "XREADGROUP GROUP g1 alice COUNT 2 STREAMS s >",
        "XREADGROUP GROUP g1 bob COUNT 1 STREAMS s >", "XGROUP CREATECONSUMER s g1 carol", "XCLAIM s g1 carol 0 2-0 RETRYCOUNT 5",
        "XADD t 5-5 f v", "XDEL t 5-5", "XGROUP CREATE e g 0 MKSTREAM",
    ];

    [Fact]
    public async Task A_stream_dumped_here_restores_on_redis_server_alike() =>
        await AssertCrossesAsync(redis.Node.Port, redis.Redis.Port, Setup);

    [Fact]
    public async Task A_stream_dumped_by_redis_server_restores_here_alike() =>
        await AssertCrossesAsync(redis.Redis.Port, redis.Node.Port, Setup);

    [Fact]
    public async Task Streams_of_many_blocks_with_long_compressible_values_cross_both_ways()
    {
        string[] setup =
        [
            .. Enumerable.Range(1, 400).Select(i => $"XADD s {i}-0 field{i % 3} value{i} other x"),
            "XDEL s 5-0 150-0 399-0", "XTRIM s MAXLEN 350", "XGROUP CREATE s g 0", "XREADGROUP GROUP g c1 COUNT 30 STREAMS s >",
            "XREADGROUP GROUP g c2 NOACK COUNT 30 STREAMS s >", "XREADGROUP GROUP g c3 COUNT 30 STREAMS s >", "XADD s MAXLEN 1000 401-* f v",
            .. Enumerable.Range(1, 60).Select(i => $"XADD t {i}-{i} x{new string('y', i)} {new string('z', i * 70)}"),
        ];
        await AssertCrossesAsync(redis.Node.Port, redis.Redis.Port, setup);
        await AssertCrossesAsync(redis.Redis.Port, redis.Node.Port, setup);
    }

    [Fact]
    public async Task A_redis_6_stream_payload_loads_with_estimated_counters_as_in_redis()
    {
        var payload = Convert.FromHexString(LegacyPayload);
        string[][] checks = [["XRANGE", "x", "-", "+"], ["XINFO", "GROUPS", "x"], ["XLEN", "x"]];
        var replies = new List<List<string>>();
        foreach (var port in new[] { redis.Node.Port, redis.Redis.Port })
        {
            await using var client = await RespTestClient.ConnectAsync(port);
            await client.CallAsync("FLUSHALL");
            Assert.Equal("+OK\r\n", await client.CallAsync("RESTORE"u8.ToArray(), "x"u8.ToArray(), "0"u8.ToArray(), payload));
            var reply = new List<string>();
            foreach (var check in checks)
            {
                reply.Add(await client.CallAsync(check));
            }

            reply.Add(WithoutTreeNodes(await client.CallAsync("XINFO", "STREAM", "x", "FULL")));
            replies.Add(reply);
        }

        Assert.Equal(replies[1], replies[0]);
        // Redis' own expectations: g1 read 1 of the 2 left (lag 1), g2 none (lag 2).
        Assert.Contains("$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:1\r\n", replies[0][1], StringComparison.Ordinal);
        Assert.Contains("$12\r\nentries-read\r\n:0\r\n$3\r\nlag\r\n:2\r\n", replies[0][1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Debug_reload_keeps_every_part_of_a_stream()
    {
        await using var client = await RespTestClient.ConnectAsync(redis.Node.Port);
        await client.CallAsync("FLUSHALL");
        await RunAsync(client, Setup);
        var before = await StateAsync(client, "s");
        Assert.Equal("+OK\r\n", await client.CallAsync("DEBUG", "RELOAD"));
        Assert.Equal(before, await StateAsync(client, "s"));
        Assert.Equal(":0\r\n", await client.CallAsync("XLEN", "t"));
        Assert.Equal("+stream\r\n", await client.CallAsync("TYPE", "e"));
    }

    [Fact]
    public async Task A_damaged_stream_payload_is_bad_data_and_the_node_keeps_serving()
    {
        await using var client = await RespTestClient.ConnectAsync(redis.Node.Port);
        await client.CallAsync("FLUSHALL");
        await RunAsync(client, Setup);
        var payload = (await client.CallBulkAsync("DUMP"u8.ToArray(), "s"u8.ToArray()))!;
        var refused = 0;
        for (var at = 1; at < payload.Length - 10; at++)
        {
            foreach (var change in new byte[] { 0x01, 0x80, 0xFF })
            {
                var damaged = (byte[])payload.Clone();
                damaged[at] ^= change;
                Reseal(damaged);
                var reply = await client.CallAsync("RESTORE"u8.ToArray(), "d"u8.ToArray(), "0"u8.ToArray(), damaged, "REPLACE"u8.ToArray());
                Assert.True(reply is "+OK\r\n" or "-ERR Bad data format\r\n", $"byte {at} ^ {change}: {reply}");
                refused += reply == "+OK\r\n" ? 0 : 1;
            }
        }

        // Most damage is caught (what is not is a changed value, time or count Redis would load too).
        Assert.True(refused > payload.Length, $"{refused} of {3 * (payload.Length - 11)} refused");
        Assert.Equal("-ERR Bad data format\r\n", await client.CallAsync("RESTORE"u8.ToArray(), "d"u8.ToArray(), "0"u8.ToArray(), Sealed([19, 0x81, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]), "REPLACE"u8.ToArray()));
        Assert.Equal("+PONG\r\n", await client.CallAsync("PING"));
    }

    private static async Task AssertCrossesAsync(int from, int to, string[] setup)
    {
        await using var source = await RespTestClient.ConnectAsync(from);
        await using var target = await RespTestClient.ConnectAsync(to);
        await source.CallAsync("FLUSHALL");
        await target.CallAsync("FLUSHALL");
        await RunAsync(source, setup);
        foreach (var key in new[] { "s", "t", "e" })
        {
            if (await source.CallAsync("EXISTS", key) != ":1\r\n")
            {
                continue;
            }

            var payload = (await source.CallBulkAsync("DUMP"u8.ToArray(), Encoding.ASCII.GetBytes(key)))!;
            Assert.Equal("+OK\r\n", await target.CallAsync("RESTORE"u8.ToArray(), Encoding.ASCII.GetBytes(key), "0"u8.ToArray(), payload));
            Assert.Equal(await StateAsync(source, key), await StateAsync(target, key));
        }
    }

    private static async Task<List<string>> StateAsync(RespTestClient client, string key) =>
    [
        await client.CallAsync("XRANGE", key, "-", "+"),
        WithoutTreeNodes(await client.CallAsync("XINFO", "STREAM", key, "FULL")),
        await client.CallAsync("XINFO", "GROUPS", key),
    ];

    private static async Task RunAsync(RespTestClient client, string[] commands)
    {
        foreach (var command in commands)
        {
            Assert.False((await client.CallAsync(command.Split(' '))).StartsWith('-'), command);
        }
    }

    private static string WithoutTreeNodes(string reply) => TreeNodes().Replace(reply, "radix-tree-nodes\r\n:N");

    private static void Reseal(byte[] payload) =>
        BitConverter.TryWriteBytes(payload.AsSpan(payload.Length - 8), Crc64.Compute(payload.AsSpan(0, payload.Length - 8)));

    private static byte[] Sealed(byte[] body)
    {
        var payload = new byte[body.Length + 10];
        body.CopyTo(payload, 0);
        payload[body.Length] = (byte)DumpPayload.RdbVersion;
        Reseal(payload);
        return payload;
    }

    [GeneratedRegex(@"radix-tree-nodes\r\n:\d+")]
    private static partial Regex TreeNodes();
}
