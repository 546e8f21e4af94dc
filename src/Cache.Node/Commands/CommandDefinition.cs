using System.Text;

namespace Cache.Node.Commands;

/// <summary>
/// A command as Redis 7's command table describes one: name, arity (positive = exact, negative =
/// at least), flags, key specs, ACL categories, tips and docs, and its handler. A container
/// command (CLIENT, CONFIG, ...) has sub-commands instead of a handler of its own. Dispatch,
/// routing and COMMAND INFO/DOCS/GETKEYS/LIST all read this; nothing else decides by name.
/// </summary>
internal sealed class CommandDefinition
{
    private CommandKeys _keys = CommandKeys.None;

    public CommandDefinition(string name, int arity, CommandFlags flags, CommandHandler? handler, string group, string summary)
    {
        Name = name.ToLowerInvariant();
        NameBytes = Encoding.ASCII.GetBytes(Name);
        Arity = arity;
        Flags = flags;
        Handler = handler;
        Group = group;
        Summary = summary;
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

    /// <summary>The documentation group (Redis' names: "string", "generic", "connection", ...).</summary>
    public string Group { get; }

    public string Summary { get; }

    /// <summary>The Redis version that brought the command, for COMMAND DOCS; null where we keep none.</summary>
    public string? Since { get; init; }

    /// <summary>The time complexity, for COMMAND DOCS; null where we keep none.</summary>
    public string? Complexity { get; init; }

    /// <summary>Where the keys are; <see cref="CommandKeys.None"/> for commands without keys.</summary>
    public CommandKeys Keys
    {
        get => _keys;
        init
        {
            _keys = value;
            FirstKey = value.FirstKey;
            LastKey = value.LastKey;
            Step = value.Step;
        }
    }

    /// <summary>The categories named for this command; <see cref="Categories"/> adds those its flags imply.</summary>
    public AclCategories Acl { get; init; }

    /// <summary>Every ACL category of the command, as ACL rules and COMMAND INFO see it.</summary>
    public AclCategories Categories => AclCategoryNames.Of(Flags, Acl);

    /// <summary>Redis' command tips (nondeterministic_output, request_policy:..., ...), for COMMAND INFO.</summary>
    public IReadOnlyList<string> Tips { get; init; } = [];

    /// <summary>Legacy range: the first key's index (0 = no keys), copied from <see cref="Keys"/> for the hot path.</summary>
    public int FirstKey { get; private init; }

    /// <summary>Legacy range: the last key's index, negative counting from the end.</summary>
    public int LastKey { get; private init; }

    public int Step { get; private init; }

    public CommandDefinition? Parent { get; private set; }

    /// <summary>This command's bit in ACL selectors' command bitsets (sub-commands have their own).</summary>
    public int AclIndex { get; set; }

    /// <summary>INFO commandstats' counters for this command (a container's are its sub-commands').</summary>
    public CommandCallStats Stats { get; } = new();

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
