using System.Text;
using Cache.Node.Commands;
using Cache.Node.Resp;

namespace Cache.Node.Tests.Commands;

/// <summary>Key specs and the one API routing, GETKEYS and COMMAND INFO read key positions from.</summary>
public sealed class CommandKeysTests
{
    private static readonly CommandTable Table = CommandTable.CreateDefault();

    [Fact]
    public void Every_spec_command_finds_the_keys_its_legacy_range_names()
    {
        foreach (var command in Commands())
        {
            if (!command.Keys.HasKeys || command.Keys.IsMovable)
            {
                continue;
            }

            // Enough arguments for any arity, one more each round.
            for (var count = Math.Abs(command.Arity); count < Math.Abs(command.Arity) + 5; count++)
            {
                if (!command.AcceptsArgumentCount(count))
                {
                    continue;
                }

                var queued = Request(Enumerable.Range(0, count).Select(i => i == 0 ? command.Name : "a" + i).ToArray());
                var request = queued.AsRequest();
                var positions = new int[count];
                var found = command.Keys.GetKeyPositions(request, positions);
                Assert.Equal(Legacy(command, count), positions[..found]);
            }
        }
    }

    [Fact]
    public void Legacy_range_merges_consecutive_specs_and_keeps_steps()
    {
        var rename = Table.Find("rename")!;
        Assert.Equal((1, 2, 1, false), (rename.FirstKey, rename.LastKey, rename.Step, rename.Keys.IsMovable));
        var mset = Table.Find("mset")!;
        Assert.Equal((1, -1, 2), (mset.FirstKey, mset.LastKey, mset.Step));
        var ping = Table.Find("ping")!;
        Assert.Equal((0, 0, 0, false), (ping.FirstKey, ping.LastKey, ping.Step, ping.Keys.HasKeys));
    }

    [Fact]
    public void Keyword_spec_starts_after_its_keyword()
    {
        // XREAD-like: STREAMS k1 k2 id1 id2, the keys being the first half.
        var keys = new CommandKeys([new(KeySpecFlags.RO, KeyBeginSearch.AfterKeyword("STREAMS", 1), KeyFindKeys.Range(-1, 1, 2))]);
        Assert.Equal([4, 5], Positions(keys, "xread", "COUNT", "2", "streams", "a", "b", "0", "0"));
        Assert.Empty(Positions(keys, "xread", "COUNT", "2"));
        Assert.True(keys.IsMovable);
        Assert.Equal(0, keys.FirstKey);

        // Searched backwards from the end.
        var backwards = new CommandKeys([new(KeySpecFlags.RO, KeyBeginSearch.AfterKeyword("BY", -2), KeyFindKeys.Range(0))]);
        Assert.Equal([4], Positions(backwards, "cmd", "BY", "x", "BY", "y", "z"));
    }

    [Fact]
    public void Keynum_spec_reads_the_count_and_rejects_a_bad_one()
    {
        // EVAL-like: script numkeys key... arg...
        var keys = new CommandKeys([new(KeySpecFlags.RW, KeyBeginSearch.AtIndex(2), KeyFindKeys.KeyNum(0, 1))]);
        Assert.Equal([3, 4], Positions(keys, "eval", "s", "2", "k1", "k2", "a1"));
        Assert.Empty(Positions(keys, "eval", "s", "0", "a1"));
        Assert.Equal(-1, Count(keys, "eval", "s", "x", "k1"));
        Assert.Equal(-1, Count(keys, "eval", "s", "-1", "k1"));
        Assert.Equal(-1, Count(keys, "eval", "s", "3", "k1"));
    }

    [Fact]
    public void A_destination_and_a_keynum_spec_give_a_movable_command_whose_range_is_the_destination()
    {
        // ZUNIONSTORE-like: destination numkeys key...
        var keys = new CommandKeys(
        [
            KeySpec.At(1, KeySpecFlags.OW | KeySpecFlags.Update),
            new(KeySpecFlags.RO | KeySpecFlags.Access, KeyBeginSearch.AtIndex(2), KeyFindKeys.KeyNum(0, 1)),
        ]);
        Assert.Equal((1, 1, 1, true), (keys.FirstKey, keys.LastKey, keys.Step, keys.IsMovable));
        Assert.Equal([1, 3, 4], Positions(keys, "zunionstore", "d", "2", "a", "b", "WEIGHTS", "1", "2"));
        var flags = new KeySpecFlags[3];
        keys.GetKeyPositions(Request("zunionstore", "d", "2", "a", "b").AsRequest(), new int[3], flags);
        Assert.Equal([KeySpecFlags.OW | KeySpecFlags.Update, KeySpecFlags.RO | KeySpecFlags.Access, KeySpecFlags.RO | KeySpecFlags.Access], flags);
    }

    [Fact]
    public void A_short_span_gets_the_first_keys_and_the_full_count()
    {
        var mget = Table.Find("mget")!;
        var positions = new int[2];
        var request = Request("mget", "a", "b", "c", "d").AsRequest();
        Assert.Equal(4, mget.Keys.GetKeyPositions(request, positions));
        Assert.Equal([1, 2], positions);
        Assert.Equal(4, mget.Keys.GetKeyPositions(request, []));
    }

    [Fact]
    public void Out_of_range_arguments_are_invalid()
    {
        var lcs = Table.Find("lcs")!;
        Assert.Equal(-1, lcs.Keys.GetKeyPositions(Request("lcs", "a").AsRequest(), new int[2]));
    }

    [Fact]
    public void Set_reads_its_key_only_with_get()
    {
        var set = Table.Find("set")!;
        var flags = new KeySpecFlags[1];
        Assert.Equal(1, set.Keys.GetKeyPositions(Request("set", "k", "v", "EX", "10").AsRequest(), new int[1], flags));
        Assert.Equal(KeySpecFlags.OW | KeySpecFlags.Update, flags[0]);
        set.Keys.GetKeyPositions(Request("set", "k", "v", "get").AsRequest(), new int[1], flags);
        Assert.Equal(KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Update, flags[0]);
        Assert.False(set.Keys.IsMovable);
    }

    [Fact]
    public void Finding_keys_and_commands_allocates_nothing()
    {
        var mset = Table.Find("mset")!;
        var queued = Request("mset", "a", "1", "b", "2", "c", "3");
        var positions = new int[8];
        var name = "GET"u8.ToArray();
        var found = 0;
        Run();
        var before = GC.GetAllocatedBytesForCurrentThread();
        Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(3000, found);

        void Run()
        {
            found = 0;
            for (var i = 0; i < 1000; i++)
            {
                found += mset.Keys.GetKeyPositions(queued.AsRequest(), positions);
                Assert.NotNull(Table.Find(name));
            }
        }
    }

    private static IEnumerable<CommandDefinition> Commands() =>
        Table.All.SelectMany(c => new[] { c }.Concat(c.SubCommands?.All ?? []));

    /// <summary>The keys first/last/step name, the way routing walked them before key specs.</summary>
    private static int[] Legacy(CommandDefinition command, int count)
    {
        var last = command.LastKey < 0 ? count + command.LastKey : Math.Min(command.LastKey, count - 1);
        var keys = new List<int>();
        for (var i = command.FirstKey; i <= last; i += Math.Max(1, command.Step))
        {
            keys.Add(i);
        }

        return [.. keys];
    }

    private static int[] Positions(CommandKeys keys, params string[] args)
    {
        var positions = new int[args.Length];
        var found = keys.GetKeyPositions(Request(args).AsRequest(), positions);
        Assert.True(found >= 0, "invalid arguments");
        return positions[..found];
    }

    private static int Count(CommandKeys keys, params string[] args) => keys.GetKeyPositions(Request(args).AsRequest(), []);

    private static QueuedRequest Request(params string[] args) =>
        QueuedRequest.From(args.Select(a => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(a)).ToArray());
}
