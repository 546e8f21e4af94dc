namespace Cache.Node.Commands;

/// <summary>Writes the reply of a container's HELP sub-command the way Redis' addReplyHelp does.</summary>
internal static class HelpReply
{
    /// <summary>A header line, the given lines, then the HELP entry; every line a simple string.</summary>
    public static void Write(ClientSession client, string command, string[] lines)
    {
        var reply = client.Reply;
        reply.ArrayHeader(lines.Length + 3);
        reply.SimpleString($"{command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        foreach (var line in lines)
        {
            reply.SimpleString(line);
        }

        reply.SimpleString("HELP"u8);
        reply.SimpleString("    Prints this help."u8);
    }
}
