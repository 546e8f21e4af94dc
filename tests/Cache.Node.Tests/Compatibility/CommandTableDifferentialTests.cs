using Cache.Node.Tests.Commands;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Compatibility;

/// <summary>
/// The command table against redis-server 7.0: for every command (and sub-command) both serve,
/// COMMAND INFO's arity, flags, legacy key range, ACL categories, tips and key specs are equal.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class CommandTableDifferentialTests(DifferentialFixture redis)
{
    /// <summary>
    /// Ours alone, so not compared: GOSSIPCACHE is our node-to-node protocol, CLUSTER RING our
    /// slot-map command for clients, CLIENT SETINFO came in Redis 7.2 (the installed server is 7.0).
    /// </summary>
    private static readonly string[] OursOnly =
    [
        "gossipcache", "gossipcache|hello", "gossipcache|auth", "gossipcache|apply", "gossipcache|replicate", "gossipcache|handoff", "gossipcache|entry", "gossipcache|tree",
        "gossipcache|digests", "gossipcache|pull", "gossipcache|leaves", "gossipcache|fetch", "gossipcache|piece", "gossipcache|putpiece", "gossipcache|publish",
        "gossipcache|spublish", "gossipcache|functions", "gossipcache|acl", "cluster|ring", "client|setinfo",
    ];

    // The fields of a COMMAND INFO entry, by index, that must be equal.
    private static readonly (int Index, string Name)[] Fields =
    [
        (0, "name"), (1, "arity"), (2, "flags"), (3, "first key"), (4, "last key"), (5, "step"), (6, "ACL categories"), (7, "tips"),
        (8, "key specs"),
    ];

    [Fact]
    public async Task Command_info_of_every_shared_command_matches_redis()
    {
        var names = AllNames(redis.Node.Server.Commands);
        var commands = names.Select(n => new[] { "COMMAND", "INFO", n }).ToArray();
        var ours = await DifferentialFixture.RunAsync(redis.Node.Port, commands);
        var theirs = await DifferentialFixture.RunAsync(redis.Redis.Port, commands);
        var missing = new List<string>();
        var differences = new List<string>();
        for (var i = 0; i < names.Count; i++)
        {
            var theirEntry = Entry(theirs[i]);
            if (theirEntry is null)
            {
                missing.Add(names[i]);
                continue;
            }

            var ourEntry = Entry(ours[i]);
            Assert.NotNull(ourEntry);
            foreach (var (index, field) in Fields)
            {
                var a = RespTree.Show(Comparable(index, ourEntry[index]));
                var b = RespTree.Show(Comparable(index, theirEntry[index]));
                if (a != b)
                {
                    differences.Add($"{names[i]} {field}: redis {b}, ours {a}");
                }
            }
        }

        Assert.True(differences.Count == 0, "COMMAND INFO differs from redis-server:\n" + string.Join('\n', differences));
        Assert.Equal(OursOnly.Order(), missing.Order());
    }

    [Fact]
    public async Task Command_list_by_acl_category_matches_redis_for_the_commands_both_serve()
    {
        var categories = RespText.Bulks((await DifferentialFixture.RunAsync(redis.Redis.Port, [["ACL", "CAT"]]))[0]);
        Assert.Contains("connection", categories);
        var ourNames = AllNames(redis.Node.Server.Commands).Except(OursOnly).ToHashSet();
        var commands = categories.Select(c => new[] { "COMMAND", "LIST", "FILTERBY", "ACLCAT", c }).ToArray();
        var ours = await DifferentialFixture.RunAsync(redis.Node.Port, commands);
        var theirs = await DifferentialFixture.RunAsync(redis.Redis.Port, commands);
        for (var i = 0; i < categories.Count; i++)
        {
            // The category in both strings, so a failure says which one.
            var expected = RespText.Bulks(theirs[i]).Where(ourNames.Contains).Order();
            var actual = RespText.Bulks(ours[i]).Where(ourNames.Contains).Order();
            Assert.Equal($"@{categories[i]}: {string.Join(' ', expected)}", $"@{categories[i]}: {string.Join(' ', actual)}");
        }
    }

    [Fact]
    public Task Getkeys_and_getkeysandflags_match_redis() => redis.AssertSameAsync(
        "COMMAND GETKEYS rename a b", "COMMAND GETKEYSANDFLAGS rename a b", "COMMAND GETKEYSANDFLAGS renamenx a b",
        "COMMAND GETKEYS mset a 1 b 2", "COMMAND GETKEYSANDFLAGS mset a 1 b 2", "COMMAND GETKEYSANDFLAGS msetnx a 1 b 2",
        "COMMAND GETKEYS mset a 1 b", "COMMAND GETKEYSANDFLAGS set k v", "COMMAND GETKEYSANDFLAGS set k v GET",
        "COMMAND GETKEYSANDFLAGS set k v EX 10 get", "COMMAND GETKEYSANDFLAGS set k get", "COMMAND GETKEYSANDFLAGS get k", "COMMAND GETKEYS lcs a b",
        "COMMAND GETKEYSANDFLAGS lcs a b IDX", "COMMAND GETKEYSANDFLAGS del a b c", "COMMAND GETKEYSANDFLAGS watch a b",
        "COMMAND GETKEYSANDFLAGS hset h f v", "COMMAND GETKEYSANDFLAGS getdel k", "COMMAND GETKEYSANDFLAGS exists a a",
        "COMMAND GETKEYSANDFLAGS ping x", "COMMAND GETKEYSANDFLAGS nosuch a", "COMMAND GETKEYSANDFLAGS get a b",
        "COMMAND GETKEYSANDFLAGS", "COMMAND GETKEYSANDFLAGS get", "COMMAND GETKEYSANDFLAGS client list", "COMMAND GETKEYS config get x");

    /// <summary>Every top-level name and every "container|sub" name in the table.</summary>
    private static List<string> AllNames(Cache.Node.Commands.CommandTable table)
    {
        var names = new List<string>();
        foreach (var command in table.All)
        {
            names.Add(command.FullName);
            foreach (var sub in command.SubCommands?.All ?? [])
            {
                names.Add(sub.FullName);
            }
        }

        return names;
    }

    /// <summary>The one entry of a COMMAND INFO reply, or null when the server does not know the command.</summary>
    private static List<object?>? Entry(string reply)
    {
        var entries = Assert.IsType<List<object?>>(RespTree.Parse(reply));
        return (List<object?>?)Assert.Single(entries);
    }

    /// <summary>Key specs without Redis' "notes" (free text we do not keep); every other field as it is.</summary>
    private static object? Comparable(int index, object? field)
    {
        if (index != 8 || field is not List<object?> specs)
        {
            return field;
        }

        var stripped = new List<object?>();
        foreach (var spec in specs.Cast<List<object?>>())
        {
            var pairs = new List<object?>();
            for (var i = 0; i + 1 < spec.Count; i += 2)
            {
                if (spec[i] as string != "notes")
                {
                    pairs.Add(spec[i]);
                    pairs.Add(spec[i + 1]);
                }
            }

            stripped.Add(pairs);
        }

        return stripped;
    }
}
