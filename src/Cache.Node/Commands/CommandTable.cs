using System.Runtime.CompilerServices;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>Commands by name, matched case-insensitively on bytes without allocating.</summary>
internal sealed class CommandTable
{
    private const int MaxNameLength = 64;
    private readonly ByteKeyTable<CommandDefinition> _byName = new(256);
    private readonly List<CommandDefinition> _all = [];

    public IReadOnlyList<CommandDefinition> All => _all;

    /// <summary>How many commands and sub-commands ACL bitsets cover (see <see cref="CommandDefinition.AclIndex"/>).</summary>
    public int AclCount { get; private set; }

    /// <summary>Numbers every command and sub-command for ACL bitsets, once the table is complete.</summary>
    public void AssignAclIndexes()
    {
        var next = 0;
        foreach (var command in _all)
        {
            command.AclIndex = next++;
            foreach (var sub in command.SubCommands?.All ?? [])
            {
                sub.AclIndex = next++;
            }
        }

        AclCount = next;
    }

    /// <summary>The table with every command the node serves.</summary>
    public static CommandTable CreateDefault()
    {
        var table = new CommandTable();
        ConnectionCommands.Register(table);
        ServerCommands.Register(table);
        StringCommands.Register(table);
        KeyCommands.Register(table);
        CopyCommand.Register(table);
        DumpCommands.Register(table);
        MigrateCommand.Register(table);
        ShutdownCommand.Register(table);
        ObjectCommand.Register(table);
        MemoryCommand.Register(table);
        HashCommands.Register(table);
        SortedSetCommands.Register(table);
        GeoCommands.Register(table);
        TransactionCommands.Register(table);
        ClusterCommand.Register(table);
        PeerCommands.Register(table);
        SetCommands.Register(table);
        ListCommands.Register(table);
        BlockingListCommands.Register(table);
        BlockingSortedSetCommands.Register(table);
        SortCommand.Register(table);
        ScriptCommands.Register(table);
        FunctionCommands.Register(table);
        SyncCommands.Register(table);
        ReplicaOfCommands.Register(table);
        BitmapCommands.Register(table);
        PubSubCommands.Register(table);
        StreamCommands.Register(table);
        AclCommand.Register(table);
        table.AssignAclIndexes();
        return table;
    }

    public void Add(CommandDefinition command)
    {
        ref var slot = ref _byName.GetOrAdd(command.NameBytes, out var added);
        if (!added)
        {
            throw new InvalidOperationException($"Command '{command.Name}' is registered twice.");
        }

        slot = command;
        _all.Add(command);
    }

    public CommandDefinition? Find(ReadOnlySpan<byte> name)
    {
        if (name.Length > MaxNameLength)
        {
            return null;
        }

        Span<byte> lower = stackalloc byte[name.Length];
        for (var i = 0; i < name.Length; i++)
        {
            var b = name[i];
            lower[i] = b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b;
        }

        ref var found = ref _byName.Find(lower);
        return Unsafe.IsNullRef(ref found) ? null : found;
    }

    public CommandDefinition? Find(string name) => _all.Find(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
}
