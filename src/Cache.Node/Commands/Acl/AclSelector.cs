using System.Text;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// One set of permissions (Redis' aclSelector): the commands allowed, as a bitset over
/// <see cref="CommandDefinition.AclIndex"/>, the key patterns and the channel patterns. A user
/// has a root selector and any number of extra ones; a command is allowed when one allows it.
/// </summary>
internal sealed class AclSelector
{
    private ulong[] _commands;
    private Dictionary<int, List<byte[]>>? _firstArgs;

    public AclSelector(int commandCount) => _commands = new ulong[(commandCount + 63) / 64];

    public bool AllCommands { get; private set; }

    public bool AllKeys { get; set; }

    public bool AllChannels { get; set; }

    public List<AclKeyPattern> Keys { get; } = [];

    public List<byte[]> Channels { get; } = [];

    /// <summary>The command rules as given since the last +@all/-@all, for ACL GETUSER/LIST (as Redis 7.2 keeps them).</summary>
    public string CommandRules { get; private set; } = "-@all";

    /// <summary>Everything allowed: the hot path skips every other check.</summary>
    public bool Unrestricted => AllCommands && AllKeys && AllChannels;

    public AclSelector Clone()
    {
        var copy = new AclSelector(0) { _commands = (ulong[])_commands.Clone(), AllCommands = AllCommands, AllKeys = AllKeys, AllChannels = AllChannels, CommandRules = CommandRules };
        if (_firstArgs is not null)
        {
            copy._firstArgs = _firstArgs.ToDictionary(p => p.Key, p => new List<byte[]>(p.Value));
        }

        copy.Keys.AddRange(Keys);
        copy.Channels.AddRange(Channels);
        return copy;
    }

    public bool Allows(CommandDefinition command)
    {
        var index = command.AclIndex;
        return AllCommands || (uint)(index >> 6) < (uint)_commands.Length && (_commands[index >> 6] & (1UL << (index & 63))) != 0;
    }

    /// <summary>+select|0: the command is allowed when its first argument is this one (Redis 7.0, deprecated there).</summary>
    public void AllowFirstArg(CommandDefinition command, string arg)
    {
        _firstArgs ??= [];
        if (!_firstArgs.TryGetValue(command.AclIndex, out var args))
        {
            _firstArgs[command.AclIndex] = args = [];
        }

        var bytes = System.Text.Encoding.UTF8.GetBytes(arg);
        if (!args.Exists(a => a.AsSpan().SequenceEqual(bytes)))
        {
            args.Add(bytes);
        }
    }

    private bool FirstArgAllows(CommandDefinition command, in RespRequest request)
    {
        if (_firstArgs is null || request.Count < 2 || !_firstArgs.TryGetValue(command.AclIndex, out var args))
        {
            return false;
        }

        foreach (var arg in args)
        {
            if (Ascii.EqualsIgnoreCase(arg, request[1]))
            {
                return true;
            }
        }

        return false;
    }

    public void SetAll(bool allow)
    {
        _firstArgs = null;
        Array.Fill(_commands, allow ? ulong.MaxValue : 0UL);
        AllCommands = allow;
        CommandRules = allow ? "+@all" : "-@all";
    }

    /// <summary>Allows or denies a command and, for a container, every sub-command.</summary>
    public void Set(CommandDefinition command, bool allow)
    {
        _firstArgs?.Remove(command.AclIndex);
        SetBit(command.AclIndex, allow);
        if (command.SubCommands is { } subs)
        {
            foreach (var sub in subs.All)
            {
                SetBit(sub.AclIndex, allow);
            }
        }
    }

    public void SetCategory(CommandTable table, AclCategories category, bool allow)
    {
        foreach (var command in table.All)
        {
            if ((command.Categories & category) != 0)
            {
                SetBit(command.AclIndex, allow);
            }

            if (command.SubCommands is { } subs)
            {
                foreach (var sub in subs.All)
                {
                    if ((sub.Categories & category) != 0)
                    {
                        SetBit(sub.AclIndex, allow);
                    }
                }
            }
        }
    }

    public void AddRule(string rule) => CommandRules = CommandRules + " " + rule;

    /// <summary>Adds a command rule, dropping earlier rules it overrides (those on the command or its sub-commands), as Redis 7.2 keeps them.</summary>
    public void AddRule(string rule, CommandDefinition command)
    {
        if (rule[0] == '+' && AllCommands)
        {
            // Allowing what +@all already allows changes nothing, and Redis does not show it.
            return;
        }

        var name = command.FullName;
        var kept = CommandRules.Split(' ').Where(r => r.Length < 2 || r[1] == '@' || !Covers(name, r[1..])).ToList();
        kept.Add(rule);
        CommandRules = string.Join(' ', kept);
    }

    private static bool Covers(string name, string rule) =>
        rule == name || (rule.StartsWith(name, StringComparison.Ordinal) && rule.Length > name.Length && rule[name.Length] == '|');

    private void SetBit(int index, bool allow)
    {
        if (index >> 6 >= _commands.Length)
        {
            Array.Resize(ref _commands, (index >> 6) + 1);
        }

        if (allow)
        {
            _commands[index >> 6] |= 1UL << (index & 63);
        }
        else
        {
            AllCommands = false;
            _commands[index >> 6] &= ~(1UL << (index & 63));
        }
    }

    /// <summary>Redis' ACLSelectorCheckCmd: the command, then its keys, then its channels; <paramref name="position"/> is the argument refused.</summary>
    public AclResult Check(CommandDefinition command, in RespRequest request, out int position)
    {
        position = 0;
        // As Redis: commands that need no authentication (AUTH, HELLO, ...) need no permission either.
        if (!Allows(command) && !command.HasFlag(CommandFlags.NoAuth) && !FirstArgAllows(command, request))
        {
            return AclResult.DeniedCommand;
        }

        if (!AllKeys && (command.FirstKey > 0 || command.Keys.IsMovable || command.Keys.HasKeys))
        {
            var result = CheckKeys(command, request, out position);
            if (result != AclResult.Ok)
            {
                return result;
            }
        }

        if (!AllChannels && AclChannels.Of(command, request, out var first, out var last, out var isPattern))
        {
            for (var i = first; i <= last; i++)
            {
                if (!ChannelAllowed(request[i], isPattern))
                {
                    position = i;
                    return AclResult.DeniedChannel;
                }
            }
        }

        return AclResult.Ok;
    }

    public bool KeyAllowed(ReadOnlySpan<byte> key, bool read, bool write)
    {
        if (AllKeys)
        {
            return true;
        }

        foreach (var pattern in Keys)
        {
            if ((read && !pattern.Read) || (write && !pattern.Write))
            {
                continue;
            }

            if (Glob.IsMatch(pattern.Pattern, key))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A channel (or, for PSUBSCRIBE, a pattern, which must be one of ours literally) this selector allows.</summary>
    public bool ChannelAllowed(ReadOnlySpan<byte> channel, bool isPattern)
    {
        if (AllChannels)
        {
            return true;
        }

        foreach (var pattern in Channels)
        {
            if (isPattern ? channel.SequenceEqual(pattern) : Glob.IsMatch(pattern, channel))
            {
                return true;
            }
        }

        return false;
    }

    private AclResult CheckKeys(CommandDefinition command, in RespRequest request, out int position)
    {
        position = 0;
        Span<int> positions = stackalloc int[32];
        Span<KeySpecFlags> flags = stackalloc KeySpecFlags[32];
        var count = command.Keys.GetKeyPositions(request, positions, flags);
        if (count > positions.Length)
        {
            positions = new int[count];
            flags = new KeySpecFlags[count];
            count = command.Keys.GetKeyPositions(request, positions, flags);
        }

        for (var i = 0; i < count; i++)
        {
            var f = flags[i];
            var read = (f & KeySpecFlags.Access) != 0;
            var write = (f & (KeySpecFlags.Insert | KeySpecFlags.Delete | KeySpecFlags.Update)) != 0;
            if (!KeyAllowed(request[positions[i]], read, write))
            {
                position = positions[i];
                return AclResult.DeniedKey;
            }
        }

        return AclResult.Ok;
    }
}
