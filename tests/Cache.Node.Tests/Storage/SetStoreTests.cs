using System.Text;
using Cache.Node.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Cache.Node.Tests.Storage;

/// <summary>
/// The set module's encodings: the intset, the small packed set and the large open-addressing
/// table, the switches between them (by adds and by replication import), exact memory
/// accounting, random members and SSCAN's guarantee across resizes.
/// </summary>
public sealed class SetStoreTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2029, 7, 4, 8, 30, 0, TimeSpan.Zero));

    [Fact]
    public void Integers_stay_an_intset_in_ascending_order_until_a_non_integer_arrives()
    {
        var keys = new KeySpace(_time);
        Add(keys, "s", "30", "-5", "7", "30", "0");
        ref var entry = ref keys.Lookup("s"u8);
        Assert.Equal("intset", keys.Sets.EncodingOf(entry));
        Assert.Equal(["-5", "0", "7", "30"], Members(keys, "s"));
        Assert.False(keys.Sets.Contains(entry, "07"u8));
        Assert.False(keys.Sets.Contains(entry, "+7"u8));

        Add(keys, "s", "x");
        entry = ref keys.Lookup("s"u8);
        Assert.Equal("hashtable", keys.Sets.EncodingOf(entry));
        Assert.True(SetStore.IsPacked(entry));
        Assert.Equal(["-5", "0", "30", "7", "x"], Members(keys, "s").Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("9223372036854775808")]
    [InlineData("-0")]
    [InlineData("1 ")]
    [InlineData("")]
    public void A_member_that_is_not_a_canonical_int64_makes_a_hashtable(string member)
    {
        var keys = new KeySpace(_time);
        Add(keys, "s", "1", member);
        Assert.Equal("hashtable", keys.Sets.EncodingOf(keys.Lookup("s"u8)));
        Assert.True(keys.Sets.Contains(keys.Lookup("s"u8), Encoding.ASCII.GetBytes(member)));
    }

    [Fact]
    public void An_intset_past_set_max_intset_entries_becomes_a_hashtable()
    {
        var keys = new KeySpace(_time);
        keys.Limits.SetMaxIntsetEntries = 20;
        Add(keys, "s", [.. Enumerable.Range(0, 20).Select(i => i.ToString())]);
        Assert.Equal("intset", keys.Sets.EncodingOf(keys.Lookup("s"u8)));
        Add(keys, "s", "20");
        Assert.Equal("hashtable", keys.Sets.EncodingOf(keys.Lookup("s"u8)));
        Assert.Equal(21, keys.Sets.Count(keys.Lookup("s"u8)));
    }

    [Fact]
    public void A_small_set_goes_large_past_the_listpack_limits_and_keeps_every_member()
    {
        var keys = new KeySpace(_time);
        Add(keys, "s", [.. Enumerable.Range(0, 128).Select(i => "m" + i)]);
        Assert.True(SetStore.IsPacked(keys.Lookup("s"u8)));
        Add(keys, "s", "one more");
        ref var entry = ref keys.Lookup("s"u8);
        Assert.False(SetStore.IsPacked(entry));
        Assert.Equal(129, keys.Sets.Count(entry));
        Assert.True(keys.Sets.Contains(entry, "m77"u8));

        Add(keys, "long", "a", new string('x', 65));
        Assert.False(SetStore.IsPacked(keys.Lookup("long"u8)));
    }

    [Fact]
    public void A_large_set_grows_and_shrinks_and_finds_every_member()
    {
        var keys = new KeySpace(_time);
        var members = Enumerable.Range(0, 20_000).Select(i => "member:" + i).ToArray();
        Add(keys, "s", members);
        ref var entry = ref keys.Lookup("s"u8);
        for (var i = 0; i < members.Length; i += 2)
        {
            Assert.True(keys.Sets.Remove(ref entry, Encoding.ASCII.GetBytes(members[i])));
        }

        for (var i = 0; i < 19_000; i += 2)
        {
            Assert.True(keys.Sets.Remove(ref entry, Encoding.ASCII.GetBytes(members[i + 1])));
        }

        Assert.Equal(500, keys.Sets.Count(entry));
        for (var i = 0; i < members.Length; i++)
        {
            Assert.Equal(i >= 19_000 && i % 2 == 1, keys.Sets.Contains(entry, Encoding.ASCII.GetBytes(members[i])));
        }

        Assert.Equal(500, Members(keys, "s").Distinct().Count());
    }

    [Fact]
    public void Used_memory_returns_to_where_it_was_when_a_large_set_goes()
    {
        var keys = new KeySpace(_time);
        keys.SetString("other"u8, "x"u8);

        // A first round takes the slab pages (kept once taken, with their metadata), so the second measures the set alone.
        Add(keys, "s", [.. Enumerable.Range(0, 5000).Select(i => "m" + i)]);
        keys.Delete("s"u8);
        var before = keys.UsedMemory;
        Add(keys, "s", [.. Enumerable.Range(0, 5000).Select(i => "m" + i)]);
        var during = keys.UsedMemory;
        Assert.True(during - before > 5000 * 16, $"{during - before} bytes for 5000 members");
        Assert.True(keys.Sets.ObjectBytes < 5000 * 24, "the table: handles and hashes only");

        var held = keys.Sets.ExternalBytes(keys.Lookup("s"u8));
        Assert.InRange(keys.Sets.ExternalBytes(keys.Lookup("s"u8), samples: 5), held / 2, held * 2);

        Assert.True(keys.Delete("s"u8));
        Assert.Equal(before, keys.UsedMemory);

        // All the set cost beyond what it holds outside: its key's one small record.
        Assert.InRange(during - before - held, 1, 64);
        Assert.Equal(0, keys.Sets.ObjectBytes);
    }

    [Fact]
    public void Random_members_come_from_the_set_in_every_encoding()
    {
        var keys = new KeySpace(_time);
        var random = new Random(7);
        Add(keys, "ints", "1", "2", "3");
        Add(keys, "small", "a", "b", "c");
        Add(keys, "large", [.. Enumerable.Range(0, 300).Select(i => "m" + i)]);
        Span<byte> scratch = stackalloc byte[SetInteger.MaxDigits];
        foreach (var key in new[] { "ints", "small", "large" })
        {
            var seen = new HashSet<string>();
            for (var i = 0; i < 3000; i++)
            {
                ref var entry = ref keys.Lookup(Encoding.ASCII.GetBytes(key));
                var member = keys.Sets.RandomMember(entry, random, scratch);
                Assert.True(keys.Sets.Contains(entry, member));
                seen.Add(Encoding.ASCII.GetString(member));
            }

            Assert.Equal(keys.Sets.Count(keys.Lookup(Encoding.ASCII.GetBytes(key))), seen.Count);
        }
    }

    [Fact]
    public void A_scan_returns_every_member_present_throughout_while_the_table_grows_and_shrinks()
    {
        var keys = new KeySpace(_time);
        var stable = Enumerable.Range(0, 400).Select(i => "stable:" + i).ToArray();
        Add(keys, "s", stable);
        var seen = new HashSet<string>();
        var slots = new List<int>();
        ulong cursor = 0;
        var step = 0;
        do
        {
            ref var entry = ref keys.Lookup("s"u8);
            slots.Clear();
            cursor = keys.Sets.ScanLarge(entry, cursor, 10, slots);
            foreach (var slot in slots)
            {
                seen.Add(Encoding.ASCII.GetString(keys.Sets.MemberAt(entry, slot, default)));
            }

            // Grow the table for a while, then shrink it below its size at the start.
            step++;
            if (step < 20)
            {
                Add(keys, "s", [.. Enumerable.Range(step * 200, 200).Select(i => "churn:" + i)]);
            }
            else if (step == 20)
            {
                ref var set = ref keys.Lookup("s"u8);
                for (var i = 200; i < 4000; i++)
                {
                    keys.Sets.Remove(ref set, Encoding.ASCII.GetBytes("churn:" + i));
                }
            }
        }
        while (cursor != 0);

        Assert.DoesNotContain(stable, m => !seen.Contains(m));
    }

    [Theory]
    [InlineData(new[] { "1", "2", "3" }, "intset", true)]
    [InlineData(new[] { "1", "b" }, "hashtable", true)]
    public void A_packed_set_crosses_and_lands_packed(string[] members, string encoding, bool packed)
    {
        var (from, to) = (new KeySpace(_time), new KeySpace(_time));
        Add(from, "s", members);
        Assert.True(to.Apply("s"u8, from.Export("s"u8)!.Value));
        ref var copy = ref to.Lookup("s"u8);
        Assert.Equal(encoding, to.Sets.EncodingOf(copy));
        Assert.Equal(packed, SetStore.IsPacked(copy));
        Assert.Equal(Members(from, "s"), Members(to, "s"));
    }

    [Fact]
    public void A_large_set_crosses_large_and_back_to_packed_once_it_is_small_again()
    {
        var (from, to) = (new KeySpace(_time), new KeySpace(_time));
        Add(from, "s", [.. Enumerable.Range(0, 1000).Select(i => i.ToString())]);
        Assert.True(to.Apply("s"u8, from.Export("s"u8)!.Value));
        Assert.False(SetStore.IsPacked(to.Lookup("s"u8)));
        Assert.Equal(1000, to.Sets.Count(to.Lookup("s"u8)));

        // Redis' hashtable does not turn back into an intset, but a reload (here: an import) picks by content.
        ref var set = ref from.Lookup("s"u8);
        for (var i = 10; i < 1000; i++)
        {
            from.Sets.Remove(ref set, Encoding.ASCII.GetBytes(i.ToString()));
        }

        Assert.Equal("hashtable", from.Sets.EncodingOf(from.Lookup("s"u8)));
        var before = to.UsedMemory;
        Assert.True(to.Apply("s"u8, from.Export("s"u8)!.Value));
        ref var copy = ref to.Lookup("s"u8);
        Assert.Equal("intset", to.Sets.EncodingOf(copy));
        Assert.Equal([.. Enumerable.Range(0, 10).Select(i => i.ToString())], Members(to, "s"));
        Assert.True(to.UsedMemory < before - (990 * 16), "the large set's chunks and table were freed");
    }

    private static void Add(KeySpace keys, string key, params string[] members)
    {
        ref var entry = ref keys.GetOrAdd(Encoding.ASCII.GetBytes(key), out _);
        foreach (var member in members)
        {
            keys.Sets.Add(ref entry, Encoding.ASCII.GetBytes(member));
        }
    }

    private static List<string> Members(KeySpace keys, string key)
    {
        var list = new List<string>();
        Span<byte> scratch = stackalloc byte[SetInteger.MaxDigits];
        var members = keys.Sets.Members(keys.Lookup(Encoding.ASCII.GetBytes(key)), scratch);
        while (members.MoveNext())
        {
            list.Add(Encoding.ASCII.GetString(members.Current));
        }

        return list;
    }
}
