namespace Cache.Node.Commands;

/// <summary>The transaction command family.</summary>
internal static class TransactionCommands
{
    private const string Group = "transaction";

    public static void Register(CommandTable table)
    {
        _ = table;
        _ = Group;
    }
}
