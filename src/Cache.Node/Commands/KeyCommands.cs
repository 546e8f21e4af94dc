namespace Cache.Node.Commands;

/// <summary>The key command family.</summary>
internal static class KeyCommands
{
    private const string Group = "key";

    public static void Register(CommandTable table)
    {
        _ = table;
        _ = Group;
    }
}
