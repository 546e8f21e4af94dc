using System.Text;
using Cache.Node.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Cache.Node.Tests.Storage;

/// <summary>
/// The engine's one change event: every write, delete, expiry, eviction, merge, hand-off,
/// reclaim and flush reaches a registered observer with its versions, and the built-in
/// observers (WATCH, replication capture) act on the kinds they should.
/// </summary>
public sealed class EntryChangeTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2031, 3, 14, 15, 9, 26, TimeSpan.Zero));
    private readonly KeySpace _keys;
    private readonly RecordingObserver _seen = new();

    public EntryChangeTests()
    {
        _keys = new KeySpace(_time);
        _keys.Observe(_seen);
    }

    [Fact]
    public void A_new_key_is_written_from_no_version_and_each_later_write_moves_it_on()
    {
        _keys.SetString("k"u8, "v1"u8);
        var first = _seen.Changes[0];
        Assert.Equal(("k", EntryChangeKind.Written), (first.Key, first.Kind));
        Assert.Equal(EntryVersion.None, first.Before);
        Assert.All(_seen.Changes, c => Assert.Equal(EntryChangeKind.Written, c.Kind));
        var added = _seen.Changes[^1].After;

        _seen.Changes.Clear();
        _keys.SetString("k"u8, "v2"u8);
        var overwrite = Assert.Single(_seen.Changes);
        Assert.Equal(added, overwrite.Before);
        Assert.True(overwrite.After > added);
    }

    [Fact]
    public void A_delete_leaves_the_table_and_a_delete_with_tombstones_keeps_a_newer_version()
    {
        _keys.SetString("gone"u8, "v"u8);
        _keys.SetString("stone"u8, "v"u8);
        _seen.Changes.Clear();

        _keys.Delete("gone"u8);
        var removed = Assert.Single(_seen.Changes);
        Assert.Equal((EntryChangeKind.Deleted, EntryVersion.None), (removed.Kind, removed.After));
        Assert.NotEqual(EntryVersion.None, removed.Before);

        _keys.TombstoneHorizonMs = 60_000;
        _seen.Changes.Clear();
        _keys.Delete("stone"u8);
        var tombstone = Assert.Single(_seen.Changes);
        Assert.Equal(EntryChangeKind.Deleted, tombstone.Kind);
        Assert.True(tombstone.After > tombstone.Before);
    }

    [Fact]
    public void Expiry_and_the_reclaim_of_its_tombstone_are_reported_apart()
    {
        _keys.TombstoneHorizonMs = 1000;
        _keys.SetString("t"u8, "v"u8, _keys.NowMs + 10);
        _seen.Changes.Clear();

        _time.Advance(TimeSpan.FromMilliseconds(20));
        _keys.ActiveExpireCycle(100);
        var expired = Assert.Single(_seen.Changes);
        Assert.Equal(EntryChangeKind.Expired, expired.Kind);
        Assert.Equal(expired.Before, expired.After);   // a tombstone keeps the expired write's version

        _seen.Changes.Clear();
        _time.Advance(TimeSpan.FromSeconds(2));
        _keys.ActiveExpireCycle(100);
        var reclaimed = Assert.Single(_seen.Changes);
        Assert.Equal((EntryChangeKind.Reclaimed, EntryVersion.None), (reclaimed.Kind, reclaimed.After));
    }

    [Fact]
    public void Eviction_merge_hand_off_and_flush_each_say_what_they_are()
    {
        var peer = new KeySpace(_time) { NodeId = 7 };
        peer.SetString("m"u8, "theirs"u8);
        Assert.True(_keys.Apply("m"u8, peer.Export("m"u8)!.Value));
        Assert.All(_seen.Changes, c => Assert.Equal(EntryChangeKind.Merged, c.Kind));
        Assert.Equal((ushort)7, _seen.Changes[^1].After.Node);

        _seen.Changes.Clear();
        var version = _keys.Export("m"u8)!.Value.Version;
        Assert.True(_keys.DropIfUnchanged("m"u8, version));
        Assert.Equal(EntryChangeKind.HandedOff, Assert.Single(_seen.Changes).Kind);

        for (var i = 0; i < 200; i++)
        {
            _keys.SetString(Encoding.ASCII.GetBytes($"e{i}"), new byte[100]);
        }

        _seen.Changes.Clear();
        _keys.Policy = EvictionPolicy.AllKeysRandom;
        _keys.MaxMemory = _keys.UsedMemory - 1;
        Assert.True(_keys.EnsureMemory());
        Assert.NotEmpty(_seen.Changes);
        Assert.All(_seen.Changes, c => Assert.Equal((EntryChangeKind.Evicted, EntryVersion.None), (c.Kind, c.After)));

        _seen.Changes.Clear();
        _keys.Clear();
        Assert.Equal(EntryChangeKind.Flushed, Assert.Single(_seen.Changes).Kind);
    }

    [Fact]
    public void The_capture_records_a_commands_writes_once_each_and_skips_expiries()
    {
        _keys.SetString("old"u8, "v"u8, _keys.NowMs + 10);
        _time.Advance(TimeSpan.FromMilliseconds(20));

        _keys.BeginCapture();
        _keys.SetString("a"u8, "1"u8, _keys.NowMs + 5000);
        _keys.Exists("old"u8);
        _keys.SetString("b"u8, "2"u8);
        _keys.Delete("a"u8);
        var captured = _keys.EndCapture().Select(k => Encoding.ASCII.GetString(k)).ToArray();

        Assert.Equal(["a", "b", "a"], captured);
        _keys.SetString("after"u8, "x"u8);
        Assert.Equal(3, _keys.EndCapture().Count);
    }

    [Fact]
    public void A_watch_is_dirtied_by_an_expiry_and_a_flush_but_not_by_a_reclaimed_tombstone()
    {
        _keys.TombstoneHorizonMs = 1000;
        var watch = new WatchState();
        _keys.SetString("w"u8, "v"u8, _keys.NowMs + 10);
        _keys.Watch("w"u8, watch);
        _time.Advance(TimeSpan.FromMilliseconds(20));
        Assert.False(_keys.Exists("w"u8));
        Assert.True(watch.Dirty);

        _keys.Unwatch(watch);
        _keys.Watch("w"u8, watch);
        _time.Advance(TimeSpan.FromSeconds(2));
        _keys.ActiveExpireCycle(100);
        Assert.False(watch.Dirty);

        _keys.SetString("w"u8, "again"u8);
        _keys.Unwatch(watch);
        _keys.Watch("w"u8, watch);
        _keys.Clear();
        Assert.True(watch.Dirty);
    }

    [Fact]
    public void Enter_holds_the_lock_for_its_scope_only()
    {
        Assert.False(_keys.IsHeldByCurrentThread);
        using (_keys.Enter())
        {
            Assert.True(_keys.IsHeldByCurrentThread);
        }

        Assert.False(_keys.IsHeldByCurrentThread);
    }

    [Fact]
    public void Writes_raise_changes_without_allocating()
    {
        var value = new byte[32];
        _keys.SetString("k"u8, value);
        var keys = new KeySpace(_time);
        keys.Observe(new RecordingObserver { Counting = true });
        keys.SetString("k"u8, value);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            keys.SetString("k"u8, value);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private sealed class RecordingObserver : IEntryObserver
    {
        public List<(string Key, EntryVersion Before, EntryVersion After, EntryChangeKind Kind)> Changes { get; } = [];

        public bool Counting { get; init; }

        public int Count { get; private set; }

        public void OnEntryChanged(in EntryChange change)
        {
            Count++;
            if (!Counting)
            {
                Changes.Add((Encoding.ASCII.GetString(change.Key), change.Before, change.After, change.Kind));
            }
        }
    }
}
