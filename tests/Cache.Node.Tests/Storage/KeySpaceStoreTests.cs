using System.Text;
using Cache.Node.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Cache.Node.Tests.Storage;

/// <summary>The key space on slab memory: hash encodings, versions, tombstones, replication, accounting.</summary>
public sealed class KeySpaceStoreTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2031, 3, 14, 15, 9, 26, TimeSpan.Zero));
    private readonly KeySpace _keys;

    public KeySpaceStoreTests() => _keys = new KeySpace(_time);

    [Fact]
    public void A_hash_stays_packed_up_to_the_threshold_then_becomes_a_table_with_the_same_fields()
    {
        ref var entry = ref _keys.GetOrAdd("h"u8, out _);
        for (var i = 0; i < HashBlob.MaxPairs; i++)
        {
            Assert.True(_keys.HashSet(ref entry, B($"f{i}"), B($"v{i}")));
        }

        Assert.True(KeySpace.HashIsPacked(entry));
        Assert.False(_keys.HashSet(ref entry, "f3"u8, "again"u8));
        Assert.True(KeySpace.HashIsPacked(entry));
        Assert.True(_keys.HashSet(ref entry, "one-more"u8, "x"u8));
        Assert.False(KeySpace.HashIsPacked(entry));
        Assert.Equal(HashBlob.MaxPairs + 1, _keys.HashLength(entry));
        Assert.True(_keys.HashTryGet(entry, "f3"u8, out var value));
        Assert.Equal("again", Encoding.ASCII.GetString(value));
        Assert.True(_keys.HashTryGet(entry, "f127"u8, out value));
        Assert.Equal("v127", Encoding.ASCII.GetString(value));
    }

    [Fact]
    public void A_long_value_makes_a_table_and_deleting_fields_works_in_both_encodings()
    {
        ref var packed = ref _keys.GetOrAdd("p"u8, out _);
        _keys.HashSet(ref packed, "a"u8, "1"u8);
        _keys.HashSet(ref packed, "b"u8, "2"u8);
        _keys.HashSet(ref packed, "c"u8, "3"u8);
        Assert.True(_keys.HashDelete(ref packed, "b"u8));
        Assert.False(_keys.HashDelete(ref packed, "b"u8));
        Assert.Equal(["a=1", "c=3"], Fields(packed));

        ref var large = ref _keys.GetOrAdd("l"u8, out _);
        _keys.HashSet(ref large, "a"u8, "1"u8);
        _keys.HashSet(ref large, "long"u8, new byte[HashBlob.MaxItemLength + 1]);
        Assert.False(KeySpace.HashIsPacked(large));
        Assert.True(_keys.HashDelete(ref large, "long"u8));
        Assert.Equal(["a=1"], Fields(large));
    }

    [Fact]
    public void Reads_overwrites_and_hash_updates_allocate_nothing()
    {
        var names = Enumerable.Range(0, 1000).Select(i => B($"key:{i}")).ToArray();
        var value = new byte[32];
        foreach (var name in names)
        {
            _keys.SetString(name, value);
        }

        ref var hash = ref _keys.GetOrAdd("h"u8, out _);
        _keys.HashSet(ref hash, "f"u8, "1"u8);
        Churn(names, value);   // the first pass may carve new pages: stored data, not garbage

        var before = GC.GetAllocatedBytesForCurrentThread();
        var read = Churn(names, value);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(read > 0);
    }

    private long Churn(byte[][] names, byte[] value)
    {
        long read = 0;
        for (var round = 0; round < 10; round++)
        {
            foreach (var name in names)
            {
                read += _keys.ValueOf(_keys.Lookup(name)).Length;
                _keys.SetString(name, value.AsSpan(0, 16 + round));
            }

            ref var h = ref _keys.Lookup("h"u8);
            _keys.HashSet(ref h, "f"u8, round % 2 == 0 ? "22"u8 : "333"u8);
            _keys.HashTryGet(h, "f"u8, out _);
        }

        return read;
    }

    [Fact]
    public void Memory_returns_to_where_it_was_once_the_keys_are_gone()
    {
        var baseline = _keys.UsedMemory;
        for (var i = 0; i < 1000; i++)
        {
            _keys.SetString(B($"s{i}"), new byte[i % 300]);
            ref var hash = ref _keys.GetOrAdd(B($"h{i}"), out _);
            for (var f = 0; f < (i % 3 == 0 ? 200 : 5); f++)
            {
                _keys.HashSet(ref hash, B($"f{f}"), B($"value {f}"));
            }
        }

        Assert.True(_keys.UsedMemory > baseline + 1_000_000);
        for (var i = 0; i < 1000; i++)
        {
            Assert.True(_keys.Delete(B($"s{i}")));
            Assert.True(_keys.Delete(B($"h{i}")));
        }

        // Only the index arrays stay at their grown capacity.
        Assert.Equal(0, _keys.Count);
        Assert.True(_keys.UsedMemory - baseline < 200_000, $"{_keys.UsedMemory - baseline} bytes left");
    }

    [Fact]
    public void Every_write_gets_a_higher_version_even_when_the_clock_stands_still()
    {
        _keys.NodeId = 3;
        _keys.SetString("k"u8, "1"u8);
        var first = _keys.Export("k"u8)!.Value.Version;
        _keys.SetString("k"u8, "2"u8);
        var second = _keys.Export("k"u8)!.Value.Version;
        Assert.True(second > first);
        Assert.Equal(3, second.Node);
        Assert.Equal(_time.GetUtcNow().ToUnixTimeMilliseconds(), HybridLogicalClock.WallMilliseconds(second.Clock));
        _time.Advance(TimeSpan.FromMilliseconds(5));
        ref var entry = ref _keys.Lookup("k"u8);
        _keys.SetExpiry(ref entry, _keys.NowMs + 1000);
        Assert.Equal(_keys.NowMs, HybridLogicalClock.WallMilliseconds(_keys.Export("k"u8)!.Value.Version.Clock));
    }

    [Fact]
    public void With_active_expiry_off_only_a_read_expires_a_key()
    {
        _keys.SetString("a"u8, "v"u8);
        _keys.SetString("b"u8, "v"u8);
        _keys.SetExpiry(ref _keys.Lookup("a"u8), _keys.NowMs + 100);
        _keys.SetExpiry(ref _keys.Lookup("b"u8), _keys.NowMs + 100);
        _time.Advance(TimeSpan.FromMilliseconds(200));
        _keys.ActiveExpiry = false;
        Assert.Equal(0, _keys.ActiveExpireCycle(100));
        Assert.Equal(2, _keys.Count);
        Assert.False(_keys.Exists("a"u8));
        Assert.Equal(1, _keys.Count);
        _keys.ActiveExpiry = true;
        Assert.Equal(1, _keys.ActiveExpireCycle(100));
        Assert.Equal(0, _keys.Count);
    }

    [Fact]
    public void A_delete_leaves_an_invisible_tombstone_until_the_horizon()
    {
        _keys.TombstoneHorizonMs = 10_000;
        _keys.SetString("k"u8, "v"u8);
        Assert.True(_keys.Delete("k"u8));
        Assert.False(_keys.Delete("k"u8));
        Assert.False(_keys.Exists("k"u8));
        Assert.Equal(0, _keys.Count);
        Assert.Equal(1, _keys.TombstoneCount);
        Assert.True(_keys.Export("k"u8)!.Value.IsTombstone);
        Assert.Null(_keys.RandomKey(new Random(1)));

        _time.Advance(TimeSpan.FromMilliseconds(9_999));
        _keys.ActiveExpireCycle(100);
        Assert.Equal(1, _keys.TombstoneCount);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        _keys.ActiveExpireCycle(100);
        Assert.Equal(0, _keys.TombstoneCount);
        Assert.Null(_keys.Export("k"u8));
    }

    [Fact]
    public void Writing_over_a_tombstone_revives_the_key_with_a_newer_version()
    {
        _keys.TombstoneHorizonMs = 10_000;
        _keys.SetString("k"u8, "v"u8);
        _keys.Delete("k"u8);
        var deleted = _keys.Export("k"u8)!.Value.Version;
        _keys.SetString("k"u8, "back"u8);
        Assert.Equal(1, _keys.Count);
        Assert.Equal(0, _keys.TombstoneCount);
        var revived = _keys.Export("k"u8)!.Value;
        Assert.True(revived.Version > deleted);
        Assert.Equal("back", Encoding.ASCII.GetString(revived.Value.Span));
    }

    [Fact]
    public void Replicas_that_exchange_entries_in_any_order_converge()
    {
        var other = new KeySpace(_time) { NodeId = 2, TombstoneHorizonMs = 60_000 };
        _keys.NodeId = 1;
        _keys.TombstoneHorizonMs = 60_000;
        _keys.SetString("a"u8, "mine"u8);
        other.SetString("a"u8, "theirs"u8);   // same millisecond: node 2 wins the tie
        ref var hash = ref other.GetOrAdd("h"u8, out _);
        other.HashSet(ref hash, "f"u8, "v"u8);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        _keys.SetString("h"u8, "newer string"u8);
        other.SetString("gone"u8, "x"u8);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        other.Delete("gone"u8);

        foreach (var key in new[] { "a", "h", "gone" })
        {
            var mine = _keys.Export(B(key));
            var theirs = other.Export(B(key));
            if (theirs is { } t)
            {
                _keys.Apply(B(key), t);
            }

            if (mine is { } m)
            {
                other.Apply(B(key), m);
            }

            Assert.Equal(_keys.Export(B(key)) is { } x ? Describe(x) : "-", other.Export(B(key)) is { } y ? Describe(y) : "-");
        }

        Assert.Equal("theirs", Encoding.ASCII.GetString(_keys.ValueOf(_keys.Lookup("a"u8))));
        Assert.Equal("newer string", Encoding.ASCII.GetString(other.ValueOf(other.Lookup("h"u8))));
        Assert.False(_keys.Exists("gone"u8));
        Assert.True(_keys.Export("gone"u8)!.Value.IsTombstone);

        // Applying again changes nothing; a later local write outranks what was applied.
        Assert.False(_keys.Apply("a"u8, other.Export("a"u8)!.Value));
        _keys.SetString("a"u8, "later"u8);
        Assert.True(other.Apply("a"u8, _keys.Export("a"u8)!.Value));
    }

    [Fact]
    public void A_large_hash_replicates_through_its_blob_form()
    {
        var other = new KeySpace(_time);
        ref var hash = ref _keys.GetOrAdd("h"u8, out _);
        for (var i = 0; i < 300; i++)
        {
            _keys.HashSet(ref hash, B($"f{i}"), B($"v{i}"));
        }

        Assert.True(other.Apply("h"u8, _keys.Export("h"u8)!.Value));
        ref var copy = ref other.Lookup("h"u8);
        Assert.False(KeySpace.HashIsPacked(copy));
        Assert.Equal(300, other.HashLength(copy));
        Assert.True(other.HashTryGet(copy, "f299"u8, out var value));
        Assert.Equal("v299", Encoding.ASCII.GetString(value));
    }

    [Fact]
    public void Rename_moves_a_large_hash_without_losing_it()
    {
        ref var hash = ref _keys.GetOrAdd("src"u8, out _);
        for (var i = 0; i < 200; i++)
        {
            _keys.HashSet(ref hash, B($"f{i}"), B($"v{i}"));
        }

        _keys.SetString("dst"u8, "old"u8);
        _keys.Rename("src"u8, "dst"u8);
        Assert.False(_keys.Exists("src"u8));
        ref var moved = ref _keys.Lookup("dst"u8);
        Assert.Equal(ValueKind.Hash, moved.Kind);
        Assert.Equal(200, _keys.HashLength(moved));
        Assert.True(_keys.HashTryGet(moved, "f7"u8, out _));
    }

    [Fact]
    public void The_clock_never_goes_back_and_observes_peers()
    {
        var wall = new SteppingClock { Now = _time.GetUtcNow() };
        var clock = new HybridLogicalClock(wall);
        var a = clock.Next();
        wall.Now = wall.Now.AddSeconds(-5);
        var b = clock.Next();
        Assert.True(b > a);
        clock.Observe(b + 1000);
        Assert.True(clock.Next() > b + 1000);
    }

    private List<string> Fields(in StoreEntry entry)
    {
        var list = new List<string>();
        var fields = _keys.HashFields(entry);
        while (fields.MoveNext())
        {
            list.Add(Encoding.ASCII.GetString(fields.Field) + "=" + Encoding.ASCII.GetString(fields.Value));
        }

        return list;
    }

    private static string Describe(ReplicatedEntry e) => $"{e.Version} {e.Kind} {e.ExpiresAt} {Convert.ToHexString(e.Value.Span)}";

    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    /// <summary>A wall clock that may step back, as NTP can make a real one do.</summary>
    private sealed class SteppingClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
