using System.Buffers;
using System.Text;
using Cache.Node.Commands;
using Cache.Node.Resp;
using Cache.Node.Tests.Commands;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Compatibility;

/// <summary>
/// The key specs no command we serve uses yet (keyword, keynum, several specs, movable keys),
/// described as Redis 7.0 describes ZUNIONSTORE, XREAD, EVAL and LMPOP: COMMAND INFO renders them
/// as redis-server does, and the positions they find are the keys redis-server's GETKEYS finds.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class KeySpecDifferentialTests(DifferentialFixture redis)
{
    public static TheoryData<string> Names => ["zunionstore", "xread", "eval", "lmpop"];

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Command_info_of_a_future_command_renders_like_redis(string name)
    {
        var theirs = (await DifferentialFixture.RunAsync(redis.Redis.Port, [["COMMAND", "INFO", name]]))[0];
        var theirEntry = (List<object?>)((List<object?>)RespTree.Parse(theirs)!)[0]!;
        var ourEntry = (List<object?>)RespTree.Parse(Info(Definitions()[name]))!;

        // Everything but the tips (not described here) and Redis' free-text notes.
        foreach (var index in new[] { 0, 1, 2, 3, 4, 5, 6, 8 })
        {
            var expected = index == 8 ? WithoutNotes(theirEntry[index]) : theirEntry[index];
            Assert.Equal(RespTree.Show(expected), RespTree.Show(ourEntry[index]));
        }
    }

    [Theory]
    [InlineData("zunionstore d 2 a b WEIGHTS 1 2")]
    [InlineData("zunionstore d 1 a")]
    [InlineData("xread COUNT 2 STREAMS a b 0 0")]
    [InlineData("xread streams a 0")]
    [InlineData("eval s 2 k1 k2 a1")]
    [InlineData("eval s 0 a1")]
    [InlineData("lmpop 2 a b LEFT")]
    public async Task Key_positions_of_a_future_command_are_the_keys_redis_finds(string command)
    {
        var args = command.Split(' ');
        var theirs = (await DifferentialFixture.RunAsync(redis.Redis.Port, [["COMMAND", "GETKEYS", .. args]]))[0];
        var request = QueuedRequest.From(args.Select(a => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(a)).ToArray()).AsRequest();
        var positions = new int[args.Length];
        var found = Definitions()[args[0]].Keys.GetKeyPositions(request, positions);
        Assert.Equal(RespText.Bulks(theirs), positions[..found].Select(p => args[p]));
    }

    /// <summary>The four commands as Redis 7.0's command table gives them (no handlers: they are only described).</summary>
    private static Dictionary<string, CommandDefinition> Definitions() => new()
    {
        ["zunionstore"] = new("zunionstore", -4, CommandFlags.Write | CommandFlags.DenyOom, null, "sorted-set", "Stores the union of multiple sorted sets in a key.")
        {
            Keys = new(
            [
                KeySpec.At(1, KeySpecFlags.OW | KeySpecFlags.Update),
                new(KeySpecFlags.RO | KeySpecFlags.Access, KeyBeginSearch.AtIndex(2), KeyFindKeys.KeyNum(0, 1)),
            ]),
            Acl = AclCategories.SortedSet,
        },
        ["xread"] = new("xread", -4, CommandFlags.ReadOnly | CommandFlags.Blocking, null, "stream", "Returns messages from multiple streams.")
        {
            Keys = new([new(KeySpecFlags.RO | KeySpecFlags.Access, KeyBeginSearch.AfterKeyword("STREAMS", 1), KeyFindKeys.Range(-1, 1, 2))]),
            Acl = AclCategories.Stream,
        },
        ["eval"] = new("eval", -3, CommandFlags.NoScript | CommandFlags.Stale | CommandFlags.SkipMonitor | CommandFlags.NoMandatoryKeys, null, "scripting", "Executes a server-side Lua script.")
        {
            Keys = new([new(KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Update, KeyBeginSearch.AtIndex(2), KeyFindKeys.KeyNum(0, 1))]),
            Acl = AclCategories.Scripting,
        },
        ["lmpop"] = new("lmpop", -4, CommandFlags.Write, null, "list", "Returns multiple elements from a list after removing them.")
        {
            Keys = new([new(KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Delete, KeyBeginSearch.AtIndex(1), KeyFindKeys.KeyNum(0, 1))]),
            Acl = AclCategories.List,
        },
    };

    private static string Info(CommandDefinition command)
    {
        var output = new ArrayBufferWriter<byte>();
        CommandCommand.WriteInfo(new ReplyWriter(output), command);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static object? WithoutNotes(object? specs) => specs is not List<object?> list
        ? specs
        : list.Cast<List<object?>>().Select(spec => (object?)spec.Where((_, i) => !IsNote(spec, i)).ToList()).ToList();

    // A "notes" key or the value after it, in a flat key/value list.
    private static bool IsNote(List<object?> spec, int i) => i % 2 == 0 ? spec[i] as string == "notes" : spec[i - 1] as string == "notes";
}
