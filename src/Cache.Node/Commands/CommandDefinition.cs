using System.Text;

namespace Cache.Node.Commands;

/// <summary>
/// A command: its name, Redis arity (positive = exact, negative = at least), flags, key
/// positions (for COMMAND INFO and, later, cluster routing) and handler. A container command
/// (CLIENT, CONFIG, ...) has sub-commands instead of a handler of its own.
/// </summary>
internal sealed class CommandDefinition
{
    public CommandDefinition(string name, int arity, CommandFlags flags, CommandHandler? handler, string group, string summary,
        int firstKey = 0, int lastKey = 0, int step = 0)
    {
        Name = name.ToLowerInvariant();
        NameBytes = Encoding.ASCII.GetBytes(Name);
        Arity = arity;
        Flags = flags;
        Handler = handler;
        Group = group;
        Summary = summary;
        FirstKey = firstKey;
        LastKey = lastKey;
        Step = step;
        FullName = Name;
        Id = Enum.TryParse<CommandId>(Name, ignoreCase: true, out var id) ? id : CommandId.None;
    }

    public string Name { get; }

    /// <summary>Which top-level command this is; <see cref="CommandId.None"/> for sub-commands.</summary>
    public CommandId Id { get; private set; }

    public byte[] NameBytes { get; }

    /// <summary>"client|setname" for sub-commands, as Redis 7 names them in errors.</summary>
    public string FullName { get; private set; }

    public int Arity { get; }

    public CommandFlags Flags { get; }

    public CommandHandler? Handler { get; }

    public string Group { get; }

    public string Summary { get; }

    public int FirstKey { get; }

    public int LastKey { get; }

    public int Step { get; }

    public CommandDefinition? Parent { get; private set; }

    public CommandTable? SubCommands { get; private set; }

    public bool HasFlag(CommandFlags flag) => (Flags & flag) != 0;

    /// <summary>Whether <paramref name="count"/> arguments (name included) fit the arity.</summary>
    public bool AcceptsArgumentCount(int count) => Arity > 0 ? count == Arity : count >= -Arity;

    public CommandDefinition AddSubCommand(CommandDefinition sub)
    {
        SubCommands ??= new CommandTable();
        sub.Parent = this;
        sub.FullName = Name + "|" + sub.Name;
        sub.Id = CommandId.None;
        SubCommands.Add(sub);
        return this;
    }
}
