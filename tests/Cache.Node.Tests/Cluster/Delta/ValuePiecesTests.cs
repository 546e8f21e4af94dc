using System.Net;
using System.Text;
using Cache.Client.Resp;
using Cache.Gossip.Ring;
using Cache.Node.Cluster;
using Cache.Node.Storage;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Cluster.Delta;

/// <summary>
/// Anti-entropy's and hand-off's pages move a large collection in bounded pieces: a page carries
/// a stub, the value is read piece by piece under its version, and a push goes as PUTPIECEs that
/// the receiver merges once whole.
/// </summary>
public sealed class ValuePiecesTests : IAsyncLifetime
{
    private const int Elements = 100_000;
    private TestNode _source = null!;
    private TestNode _target = null!;
    private PeerLinks _links = null!;
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));

    public async Task InitializeAsync()
    {
        _source = await TestNode.StartAsync();
        _target = await TestNode.StartAsync();
        _links = new PeerLinks(TestPeer.Credentials(), TimeSpan.FromSeconds(30), TimeProvider.System);
        await using var client = await _source.ConnectAsync();
        for (var start = 0; start < Elements; start += 10_000)
        {
            Assert.Equal($":{start + 10_000}\r\n", await client.CallAsync(["RPUSH", "big", .. Enumerable.Range(start, 10_000).Select(i => $"element:{i}")]));
        }

        Assert.True(Export(_source, "big").Value.Length > 4 * ValuePieces.PieceBytes);
    }

    public async Task DisposeAsync()
    {
        await _links.DisposeAsync();
        await _source.DisposeAsync();
        await _target.DisposeAsync();
        _timeout.Dispose();
    }

    [Fact]
    public async Task A_pull_page_carries_a_stub_and_the_value_arrives_whole_from_its_pieces()
    {
        await using (var raw = await _source.ConnectPeerLinkAsync())
        {
            var page = await raw.ExecuteRawAsync(["GOSSIPCACHE"u8.ToArray(), "PULL"u8.ToArray(), "0"u8.ToArray(), "100"u8.ToArray(), SlotBitmap.ToWire(Every())]);
            Assert.InRange(page.Length, 1, 200);
            Assert.Contains("\r\n$2\r\n65\r\n", Encoding.ASCII.GetString(page), StringComparison.Ordinal);
        }

        var peer = new RespReplicaPeer(_links.ForReplication(_source.Endpoint));
        var (applied, _) = await ReplicaSync.PullAsync(_target.Server.Keys, peer, Every(), _timeout.Token);

        Assert.Equal(1, applied);
        var expected = Export(_source, "big");
        var pulled = Export(_target, "big");
        Assert.Equal(expected.Version, pulled.Version);
        Assert.Equal(ValueKind.List, pulled.Kind);
        Assert.True(expected.Value.Span.SequenceEqual(pulled.Value.Span));
    }

    [Fact]
    public async Task The_pieces_of_a_value_are_one_snapshot_of_its_version_and_refused_once_that_is_gone()
    {
        await using var raw = await _source.ConnectPeerLinkAsync();
        var before = Export(_source, "big");
        var args = new ReadOnlyMemory<byte>[] { "GOSSIPCACHE"u8.ToArray(), "PIECE"u8.ToArray(), "big"u8.ToArray(), Number(before.Version.Clock), Number(before.Version.Node), "0"u8.ToArray() };
        Assert.True((await raw.ExecuteAsync(args)).Bytes.AsSpan().SequenceEqual(before.Value.Span[..ValuePieces.PieceBytes]));

        await using (var client = await _source.ConnectAsync())
        {
            Assert.Equal($":{Elements + 1}\r\n", await client.CallAsync("LPUSH", "big", "newer"));
        }

        // The value being read stays the version asked for: the next piece follows the first.
        args[5] = Number(ValuePieces.PieceBytes);
        Assert.True((await raw.ExecuteAsync(args)).Bytes.AsSpan().SequenceEqual(before.Value.Span.Slice(ValuePieces.PieceBytes, ValuePieces.PieceBytes)));

        // A new page on the connection drops the snapshot; that version is gone here, so is the value.
        Assert.Equal(RespReplyKind.Array, (await raw.ExecuteAsync(["GOSSIPCACHE"u8.ToArray(), "PULL"u8.ToArray(), "0"u8.ToArray(), "1"u8.ToArray(), SlotBitmap.ToWire(SlotBitmap.Create())])).Kind);
        Assert.StartsWith("GONE", (await raw.ExecuteAsync(args)).Text, StringComparison.Ordinal);
        Assert.StartsWith("GONE", (await raw.ExecuteAsync(["GOSSIPCACHE", "PIECE", "missing", "1", "1", "0"])).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_push_goes_in_pieces_and_is_merged_once_whole()
    {
        var entry = Export(_source, "big");
        var peer = new RespReplicaPeer(_links.ForReplication(_target.Endpoint));
        Assert.Equal(2, await peer.ApplyAsync([("big"u8.ToArray(), entry), ("small"u8.ToArray(), new ReplicatedEntry(entry.Version, ValueKind.String, 0, "s"u8.ToArray()))], _timeout.Token));
        Assert.True(Export(_target, "big").Value.Span.SequenceEqual(entry.Value.Span));
        Assert.Equal("s", Encoding.ASCII.GetString(Export(_target, "small").Value.Span));

        // A hand-off to a node whose ring differs is refused, big values included.
        Assert.False(await peer.HandOffAsync([("other"u8.ToArray(), entry)], 0x1234, _timeout.Token));
        using (_target.Server.Keys.Enter())
        {
            Assert.Null(_target.Server.Keys.Export("other"u8));
        }
    }

    [Fact]
    public async Task Pushed_pieces_out_of_order_or_of_another_version_are_refused_and_nothing_lands()
    {
        await using var raw = await _target.ConnectPeerLinkAsync();
        ReadOnlyMemory<byte>[] Put(long clock, long length, long offset, string bytes) =>
            ["GOSSIPCACHE"u8.ToArray(), "PUTPIECE"u8.ToArray(), "apply"u8.ToArray(), "k"u8.ToArray(), Number(clock), "1"u8.ToArray(), "1"u8.ToArray(), "0"u8.ToArray(),
                Number(length), Number(offset), Encoding.ASCII.GetBytes(bytes)];

        Assert.Equal("ERR piece out of order; send the value again from its first piece", (await raw.ExecuteAsync(Put(99999999999, 6, 3, "def"))).Text);
        Assert.Equal(RespReplyKind.SimpleString, (await raw.ExecuteAsync(Put(99999999999, 6, 0, "abc"))).Kind);
        Assert.StartsWith("ERR piece out of order", (await raw.ExecuteAsync(Put(99999999998, 6, 3, "def"))).Text, StringComparison.Ordinal);
        Assert.StartsWith("ERR piece out of order", (await raw.ExecuteAsync(Put(99999999999, 6, 3, "def"))).Text, StringComparison.Ordinal);   // dropped after the mismatch
        using (_target.Server.Keys.Enter())
        {
            Assert.Null(_target.Server.Keys.Export("k"u8));
        }

        Assert.Equal(RespReplyKind.SimpleString, (await raw.ExecuteAsync(Put(99999999999, 6, 0, "abc"))).Kind);
        Assert.Equal(1, (await raw.ExecuteAsync(Put(99999999999, 6, 3, "def"))).Integer);
        Assert.Equal("abcdef", Encoding.ASCII.GetString(Export(_target, "k").Value.Span));
        Assert.Equal("ERR syntax error", (await raw.ExecuteAsync(["GOSSIPCACHE", "PUTPIECE", "apply", "k", "x", "1", "1", "0", "6", "0", "abc"])).Text);
    }

    private static byte[] Every() => SlotBitmap.From(Enumerable.Repeat(true, HashSlot.Count).ToArray());

    private static byte[] Number(long value) => Encoding.ASCII.GetBytes(value.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static ReplicatedEntry Export(TestNode node, string key)
    {
        using (node.Server.Keys.Enter())
        {
            return node.Server.Keys.Export(Encoding.UTF8.GetBytes(key)) ?? throw new InvalidOperationException($"{key} missing");
        }
    }
}
