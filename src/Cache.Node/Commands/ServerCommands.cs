namespace Cache.Node.Commands;

/// <summary>The server command family.</summary>
internal static class ServerCommands
{
    private const string Group = "server";

    public static void Register(CommandTable table)
    {
        _ = table;
        _ = Group;
    }
}
