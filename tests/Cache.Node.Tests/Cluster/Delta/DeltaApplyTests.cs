using System.Globalization;
using System.Net;
using System.Text;
using Cache.Client.Resp;
using Cache.Node.Cluster;
using Cache.Node.Resp;
using Cache.Node.Storage;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Cluster.Delta;

/// <summary>
/// A replica's half of replication by change, on one node fed GOSSIPCACHE REPLICATE as a primary
/// would: a delta at the base version this node holds applies and ends at the primary's version;
/// any other base, kind, key or command is refused with the key named and nothing changed.
/// </summary>
public sealed class DeltaApplyTests : IAsyncLifetime
{
    private const int Elements = 2000;
    private TestNode _node = null!;
    private RespTestClient _client = null!;
    private RespConnection _peer = null!;

    public async Task InitializeAsync()
    {
        _node = await TestNode.StartAsync();
        _client = await _node.ConnectAsync();
        _peer = await _node.ConnectPeerLinkAsync();
        Assert.Equal($":{Elements}\r\n", await _client.CallAsync(["RPUSH", "big", .. Enumerable.Range(0, Elements).Select(i => $"element:{i}")]));
    }

    public async Task DisposeAsync()
    {
        await _peer.DisposeAsync();
        await _client.DisposeAsync();
        await _node.DisposeAsync();
    }

    [Fact]
    public async Task A_delta_at_the_base_version_applies_and_ends_at_the_primarys_version()
    {
        var before = Peek("big");
        var version = new EntryVersion(before.Version.Clock + 1000, 9);
        var reply = await ReplicateAsync("big", new ReplicatedDelta(before.Version, version, ValueKind.List, 0, Command("LPUSH", "big", "head", "second")));

        Assert.Equal(1, reply.Integer);
        Assert.Equal(version, Peek("big").Version);
        Assert.Equal($":{Elements + 2}\r\n", await _client.CallAsync("LLEN", "big"));
        Assert.Equal("*3\r\n$6\r\nsecond\r\n$4\r\nhead\r\n$9\r\nelement:0\r\n", await _client.CallAsync("LRANGE", "big", "0", "2"));
        Assert.Equal(1, _node.Server.Replication!.Stats.DeltasApplied);

        // A local write after it gets a higher version than the one forced.
        Assert.Equal($":{Elements + 3}\r\n", await _client.CallAsync("RPUSH", "big", "tail"));
        Assert.True(Peek("big").Version > version);
    }

    [Fact]
    public async Task A_delta_carries_the_primarys_expiry()
    {
        var before = Peek("big");
        var expiresAt = _node.Server.Keys.NowMs + 100_000;
        var reply = await ReplicateAsync("big", new ReplicatedDelta(before.Version, before.Version with { Clock = before.Version.Clock + 5 }, ValueKind.List, expiresAt,
            Command("EXPIRE", "big", "50")));

        Assert.Equal(1, reply.Integer);
        Assert.Equal($":{expiresAt}\r\n", await _client.CallAsync("PEXPIRETIME", "big"));
    }

    [Fact]
    public async Task A_delta_at_another_base_is_refused_by_key_and_changes_nothing()
    {
        var before = Peek("big");
        var stale = before.Version with { Clock = before.Version.Clock - 1 };
        var reply = await ReplicateAsync("big", new ReplicatedDelta(stale, before.Version with { Clock = before.Version.Clock + 10 }, ValueKind.List, 0, Command("LPUSH", "big", "x")));

        Assert.Equal(RespReplyKind.Array, reply.Kind);
        Assert.Equal(["big"], reply.Items!.Select(i => i.Text));
        Assert.Equal(before.Version, Peek("big").Version);
        Assert.Equal($":{Elements}\r\n", await _client.CallAsync("LLEN", "big"));
        Assert.Equal(1, _node.Server.Replication!.Stats.DeltasRefused);
    }

    [Fact]
    public async Task A_delta_this_replica_already_has_a_newer_version_of_is_acknowledged_and_changes_nothing()
    {
        // A repair brought the newer value before the delta arrived: the delta's write is in it.
        var before = Peek("big");
        var older = before.Version with { Clock = before.Version.Clock - 10 };
        var reply = await ReplicateAsync("big", new ReplicatedDelta(older with { Clock = older.Clock - 1 }, older, ValueKind.List, 0, Command("LPUSH", "big", "x")));

        Assert.Equal(1, reply.Integer);
        Assert.Equal(before.Version, Peek("big").Version);
        Assert.Equal($":{Elements}\r\n", await _client.CallAsync("LLEN", "big"));
    }

    [Theory]
    [InlineData("SPOP", "big")]                 // not a command a replica may re-run (random)
    [InlineData("DEL", "big")]                  // not one either
    [InlineData("LPUSH", "other", "x")]         // names another key than the entry's
    [InlineData("LPUSH", "big")]                // wrong number of arguments
    [InlineData("NOSUCHCOMMAND", "big")]
    public async Task A_delta_whose_command_does_not_qualify_is_refused(params string[] command)
    {
        var before = Peek("big");
        var reply = await ReplicateAsync("big", new ReplicatedDelta(before.Version, before.Version with { Clock = before.Version.Clock + 10 }, ValueKind.List, 0, Command(command)));

        Assert.Equal(["big"], reply.Items!.Select(i => i.Text));
        Assert.Equal(before.Version, Peek("big").Version);
        Assert.Equal($":{Elements}\r\n", await _client.CallAsync("LLEN", "big"));
    }

    [Fact]
    public async Task A_delta_of_another_kind_or_to_a_missing_key_is_refused()
    {
        var before = Peek("big");
        var next = before.Version with { Clock = before.Version.Clock + 10 };
        Assert.Equal(["big"], (await ReplicateAsync("big", new ReplicatedDelta(before.Version, next, ValueKind.Set, 0, Command("SADD", "big", "x")))).Items!.Select(i => i.Text));
        Assert.Equal(["gone"], (await ReplicateAsync("gone", new ReplicatedDelta(before.Version, next, ValueKind.List, 0, Command("LPUSH", "gone", "x")))).Items!.Select(i => i.Text));
        Assert.Equal(":0\r\n", await _client.CallAsync("EXISTS", "gone"));
        Assert.Equal(before.Version, Peek("big").Version);
    }

    [Fact]
    public async Task A_delta_that_ran_but_did_not_end_at_the_primarys_version_drops_this_copy()
    {
        // LPOP of every element deletes the key: the version is not the one the delta names, so
        // this copy cannot be trusted and goes; the primary's full value follows.
        var before = Peek("big");
        var reply = await ReplicateAsync("big", new ReplicatedDelta(before.Version, before.Version with { Clock = before.Version.Clock + 10 }, ValueKind.List, 0,
            Command("LTRIM", "big", "1", "0")));

        Assert.Equal(["big"], reply.Items!.Select(i => i.Text));
        using (_node.Server.Keys.Enter())
        {
            Assert.Null(_node.Server.Keys.Export("big"u8));
        }
    }

    [Fact]
    public async Task Entries_after_a_refused_delta_still_apply_and_the_reply_names_each_refused_key_once()
    {
        var before = Peek("big");
        var stale = new ReplicatedDelta(EntryVersion.None with { Clock = 1 }, before.Version with { Clock = before.Version.Clock + 10 }, ValueKind.List, 0, Command("LPUSH", "big", "x"));
        var args = ReplicateArgs();
        ReplicationDeltaCodec.Append(args, "big"u8.ToArray(), stale);
        ReplicationDeltaCodec.Append(args, "big"u8.ToArray(), stale);
        ReplicationCodec.Append(args, "plain"u8.ToArray(), new ReplicatedEntry(before.Version with { Clock = before.Version.Clock + 20 }, ValueKind.String, 0, "v"u8.ToArray()));
        var reply = await _peer.ExecuteAsync([.. args]);

        Assert.Equal(["big"], reply.Items!.Select(i => i.Text));
        Assert.Equal("$1\r\nv\r\n", await _client.CallAsync("GET", "plain"));
    }

    [Fact]
    public async Task A_malformed_delta_is_refused_before_anything_of_the_request_applies()
    {
        var before = Peek("big");
        var args = ReplicateArgs();
        ReplicationCodec.Append(args, "plain"u8.ToArray(), new ReplicatedEntry(before.Version with { Clock = before.Version.Clock + 20 }, ValueKind.String, 0, "v"u8.ToArray()));
        args.AddRange(["big"u8.ToArray(), "99999999999"u8.ToArray(), "1"u8.ToArray(), "64"u8.ToArray(), "0"u8.ToArray(), new byte[] { 0xFF, 0xFF }]);
        Assert.Equal("ERR malformed replicated entry", (await _peer.ExecuteAsync([.. args])).Text);
        Assert.Equal(":0\r\n", await _client.CallAsync("EXISTS", "plain"));

        // A delta is only ever a primary's write: APPLY and HANDOFF refuse one.
        var apply = new List<ReadOnlyMemory<byte>> { "GOSSIPCACHE"u8.ToArray(), "APPLY"u8.ToArray() };
        ReplicationDeltaCodec.Append(apply, "big"u8.ToArray(), new ReplicatedDelta(before.Version, before.Version with { Clock = before.Version.Clock + 1 }, ValueKind.List, 0, Command("LPUSH", "big", "x")));
        Assert.Equal("ERR malformed replicated entry", (await _peer.ExecuteAsync([.. apply])).Text);
        Assert.Equal(before.Version, Peek("big").Version);
    }

    [Fact]
    public void The_command_encoding_round_trips_and_refuses_truncated_input()
    {
        var encoded = Command("ZADD", "z", "1.5", "", new string('m', 300));
        Assert.True(ReplicationDeltaCodec.TryDecodeCommand(encoded, out var ranges));
        var request = new RespRequest(encoded, ranges);
        Assert.Equal(["ZADD", "z", "1.5", "", new string('m', 300)], Enumerable.Range(0, request.Count).Select(i => Encoding.UTF8.GetString(new RespRequest(encoded, ranges)[i])));
        for (var cut = 0; cut < encoded.Length; cut++)
        {
            Assert.False(ReplicationDeltaCodec.TryDecodeCommand(encoded.AsSpan(0, cut), out _));
        }

        Assert.False(ReplicationDeltaCodec.TryDecodeCommand([.. encoded, 0], out _));
    }

    private static byte[] Command(params string[] args) =>
        ReplicationDeltaCodec.EncodeCommand(QueuedRequest.From([.. args.Select(a => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(a))]).AsRequest());

    private List<ReadOnlyMemory<byte>> ReplicateArgs()
    {
        var deadline = (_node.Server.Keys.NowMs + 60_000).ToString(CultureInfo.InvariantCulture);
        return ["GOSSIPCACHE"u8.ToArray(), "REPLICATE"u8.ToArray(), Encoding.ASCII.GetBytes(deadline)];
    }

    private Task<RespReply> ReplicateAsync(string key, ReplicatedDelta delta)
    {
        var args = ReplicateArgs();
        ReplicationDeltaCodec.Append(args, Encoding.UTF8.GetBytes(key), delta);
        return _peer.ExecuteAsync([.. args]).AsTask();
    }

    private ReplicatedEntry Peek(string key)
    {
        var keys = _node.Server.Keys;
        using (keys.Enter())
        {
            Assert.True(keys.TryPeek(Encoding.UTF8.GetBytes(key), out var header, out _));
            return header;
        }
    }
}
