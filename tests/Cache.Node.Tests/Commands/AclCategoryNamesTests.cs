using Cache.Node.Commands;

namespace Cache.Node.Tests.Commands;

/// <summary>ACL categories derived from flags as Redis 7 derives them, and their names.</summary>
public sealed class AclCategoryNamesTests
{
    [Theory]
    [InlineData((int)(CommandFlags.Write | CommandFlags.DenyOom), (long)(AclCategories.String), "@write @string @slow")]
    [InlineData((int)(CommandFlags.ReadOnly | CommandFlags.Fast), (long)(AclCategories.Hash), "@read @hash @fast")]
    [InlineData((int)(CommandFlags.Admin | CommandFlags.NoScript), (long)(AclCategories.None), "@admin @slow @dangerous")]
    [InlineData((int)(CommandFlags.PubSub | CommandFlags.Fast), (long)(AclCategories.None), "@pubsub @fast")]
    [InlineData((int)(CommandFlags.ReadOnly | CommandFlags.Blocking), (long)(AclCategories.Stream), "@read @stream @slow @blocking")]
    [InlineData((int)(CommandFlags.ReadOnly | CommandFlags.NoScript), (long)(AclCategories.Scripting), "@slow @scripting")]
    [InlineData((int)(CommandFlags.Loading | CommandFlags.Stale), (long)(AclCategories.Connection), "@slow @connection")]
    [InlineData((int)(CommandFlags.ReadOnly), (long)(AclCategories.Keyspace | AclCategories.Dangerous), "@keyspace @read @slow @dangerous")]
    public void Categories_come_from_the_named_ones_and_the_flags(int flags, long named, string expected) =>
        Assert.Equal(expected, string.Join(' ', AclCategoryNames.ToList(AclCategoryNames.Of((CommandFlags)flags, (AclCategories)named))));

    [Fact]
    public void Every_category_parses_back_from_its_name()
    {
        foreach (var category in Enum.GetValues<AclCategories>().Where(c => c != AclCategories.None))
        {
            var name = Assert.Single(AclCategoryNames.ToList(category));
            Assert.Equal(category, AclCategoryNames.Parse(name[1..].ToUpperInvariant()));
        }

        Assert.Equal(AclCategories.None, AclCategoryNames.Parse("nosuch"));
    }

    [Fact]
    public void Every_command_in_the_table_is_either_fast_or_slow()
    {
        foreach (var command in CommandTable.CreateDefault().All.SelectMany(c => new[] { c }.Concat(c.SubCommands?.All ?? [])))
        {
            var speed = command.Categories & (AclCategories.Fast | AclCategories.Slow);
            Assert.True(speed is AclCategories.Fast or AclCategories.Slow, command.FullName);
            Assert.Equal(command.HasFlag(CommandFlags.Write), (command.Categories & AclCategories.Write) != 0);
        }
    }
}
