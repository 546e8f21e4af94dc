namespace Cache.Node.Commands;

/// <summary>The hash command family.</summary>
internal static class HashCommands
{
    private const string Group = "hash";

    public static void Register(CommandTable table)
    {
        _ = table;
        _ = Group;
    }
}
