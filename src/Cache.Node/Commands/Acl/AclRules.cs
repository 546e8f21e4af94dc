using System.Text;

namespace Cache.Node.Commands;

/// <summary>
/// The ACL rule language of ACL SETUSER and ACL files (Redis 7.0's ACLSetUser): one rule at a
/// time applied to a user, with Redis' error texts. <see cref="TryParse(IReadOnlyList{string}, out AclUser?, out string?)"/>
/// is the single entry point for fuzzing.
/// </summary>
internal static class AclRules
{
    private static readonly Lazy<CommandTable> DefaultTable = new(CommandTable.CreateDefault);

    public const string SyntaxError = "Syntax error";
    public const string UnknownCommand = "Unknown command or category name in ACL";
    public const string NoSuchPassword = "The password you are trying to remove from the user does not exist";
    public const string BadHash = "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters";
    public const string KeyAfterAll = "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns";
    public const string ChannelAfterAll = "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels";

    /// <summary>Parses rules into a new user named "fuzz" against the default command table; false with Redis' error when a rule is refused.</summary>
    public static bool TryParse(IReadOnlyList<string> rules, out AclUser? user, out string? error)
    {
        var table = DefaultTable.Value;
        var candidate = AclStore.NewUser("fuzz", table);
        if (!TryMergeSelectors(rules, out var merged, out error))
        {
            user = null;
            return false;
        }

        foreach (var rule in merged)
        {
            if (!TryApply(candidate, rule, table, out error))
            {
                user = null;
                return false;
            }
        }

        user = candidate;
        return true;
    }

    /// <summary>Joins arguments that make one selector ("(+get", "~x)" → "(+get ~x)"), as Redis' ACLMergeSelectorArguments.</summary>
    public static bool TryMergeSelectors(IReadOnlyList<string> rules, out List<string> merged, out string? error)
    {
        merged = [];
        error = null;
        StringBuilder? open = null;
        string? start = null;
        foreach (var rule in rules)
        {
            if (open is not null)
            {
                open.Append(' ').Append(rule);
                if (rule.EndsWith(')'))
                {
                    merged.Add(open.ToString());
                    open = null;
                }
            }
            else if (rule.StartsWith('(') && !rule.EndsWith(')'))
            {
                open = new StringBuilder(rule);
                start = rule;
            }
            else
            {
                merged.Add(rule);
            }
        }

        if (open is not null)
        {
            error = $"Unmatched parenthesis in acl selector starting at '{start}'.";
            return false;
        }

        return true;
    }

    /// <summary>Applies one rule (or a whole "(...)" selector) to <paramref name="user"/>; false with Redis' reason when refused.</summary>
    public static bool TryApply(AclUser user, string rule, CommandTable table, out string? error)
    {
        error = null;
        if (rule.Length >= 2 && rule[0] == '(' && rule[^1] == ')')
        {
            var selector = new AclSelector(table.AclCount);
            foreach (var part in rule[1..^1].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!TryApplySelector(selector, part, table, out error))
                {
                    return false;
                }
            }

            user.Selectors.Add(selector);
            return true;
        }

        switch (rule.ToLowerInvariant())
        {
            case "on":
                user.Enabled = true;
                return true;
            case "off":
                user.Enabled = false;
                return true;
            case "nopass":
                user.NoPass = true;
                user.Passwords.Clear();
                return true;
            case "resetpass":
                user.NoPass = false;
                user.Passwords.Clear();
                return true;
            case "skip-sanitize-payload" or "sanitize-payload":
                return true;
            case "clearselectors":
                user.Selectors.Clear();
                return true;
            case "reset":
                user.NoPass = false;
                user.Passwords.Clear();
                user.Enabled = false;
                user.Selectors.Clear();
                user.Root.Keys.Clear();
                user.Root.AllKeys = false;
                user.Root.Channels.Clear();
                user.Root.AllChannels = false;
                user.Root.SetAll(false);
                return true;
        }

        switch (rule[0])
        {
            case '>':
                AddPassword(user, AclUser.Hash(Encoding.UTF8.GetBytes(rule[1..])));
                return true;
            case '#':
                if (!IsHash(rule.AsSpan(1)))
                {
                    error = BadHash;
                    return false;
                }

                AddPassword(user, rule[1..]);
                return true;
            case '<' or '!':
                var hash = rule[0] == '<' ? AclUser.Hash(Encoding.UTF8.GetBytes(rule[1..])) : rule[1..];
                if (rule[0] == '!' && !IsHash(hash))
                {
                    error = BadHash;
                    return false;
                }

                if (!user.Passwords.Remove(hash))
                {
                    error = NoSuchPassword;
                    return false;
                }

                return true;
        }

        return TryApplySelector(user.Root, rule, table, out error);
    }

    private static void AddPassword(AclUser user, string hash)
    {
        user.NoPass = false;
        if (!user.Passwords.Contains(hash))
        {
            user.Passwords.Add(hash);
        }
    }

    private static bool IsHash(ReadOnlySpan<char> text)
    {
        if (text.Length != 64)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryApplySelector(AclSelector selector, string rule, CommandTable table, out string? error)
    {
        error = null;
        if (rule.Length == 0)
        {
            error = SyntaxError;
            return false;
        }

        switch (rule.ToLowerInvariant())
        {
            case "allcommands" or "+@all":
                selector.SetAll(true);
                return true;
            case "nocommands" or "-@all":
                selector.SetAll(false);
                return true;
            case "allkeys":
                selector.AllKeys = true;
                selector.Keys.Clear();
                return true;
            case "resetkeys":
                selector.AllKeys = false;
                selector.Keys.Clear();
                return true;
            case "allchannels":
                selector.AllChannels = true;
                selector.Channels.Clear();
                return true;
            case "resetchannels":
                selector.AllChannels = false;
                selector.Channels.Clear();
                return true;
        }

        switch (rule[0])
        {
            case '~' or '%':
                return TryAddKeyPattern(selector, rule, out error);
            case '&':
                if (selector.AllChannels)
                {
                    error = ChannelAfterAll;
                    return false;
                }

                if (rule == "&*")
                {
                    selector.AllChannels = true;
                    selector.Channels.Clear();
                    return true;
                }

                var channel = Encoding.Latin1.GetBytes(rule[1..]);
                if (!selector.Channels.Exists(c => c.AsSpan().SequenceEqual(channel)))
                {
                    selector.Channels.Add(channel);
                }

                return true;
            case '+' or '-':
                return TryApplyCommandRule(selector, rule, table, out error);
            default:
                error = SyntaxError;
                return false;
        }
    }

    private static bool TryAddKeyPattern(AclSelector selector, string rule, out string? error)
    {
        error = null;
        bool read = true, write = true;
        var at = 1;
        if (rule[0] == '%')
        {
            read = write = false;
            for (; at < rule.Length && rule[at] != '~'; at++)
            {
                switch (char.ToUpperInvariant(rule[at]))
                {
                    case 'R':
                        read = true;
                        break;
                    case 'W':
                        write = true;
                        break;
                    default:
                        error = SyntaxError;
                        return false;
                }
            }

            if (at >= rule.Length || !(read || write))
            {
                error = SyntaxError;
                return false;
            }

            at++;
        }

        if (selector.AllKeys)
        {
            error = KeyAfterAll;
            return false;
        }

        var pattern = rule[at..];
        if (pattern == "*" && read && write)
        {
            selector.AllKeys = true;
            selector.Keys.Clear();
            return true;
        }

        var bytes = Encoding.Latin1.GetBytes(pattern);
        var existing = selector.Keys.FindIndex(k => k.Pattern.AsSpan().SequenceEqual(bytes));
        if (existing >= 0)
        {
            var old = selector.Keys[existing];
            selector.Keys[existing] = old with { Read = old.Read | read, Write = old.Write | write };
        }
        else
        {
            selector.Keys.Add(new AclKeyPattern(bytes, read, write));
        }

        return true;
    }

    private static bool TryApplyCommandRule(AclSelector selector, string rule, CommandTable table, out string? error)
    {
        error = null;
        var allow = rule[0] == '+';
        var name = rule[1..].ToLowerInvariant();
        if (name.StartsWith('@'))
        {
            var category = AclCategoryNames.Parse(name.AsSpan(1));
            if (category == AclCategories.None)
            {
                error = UnknownCommand;
                return false;
            }

            selector.SetCategory(table, category, allow);
            selector.AddRule(rule[0] + name);
            return true;
        }

        var parts = name.Split('|');
        var command = table.Find(parts[0]);
        if (command is null)
        {
            error = UnknownCommand;
            return false;
        }

        if (parts.Length > 1)
        {
            if (command.SubCommands is null)
            {
                // Redis 7.0's first-arg rule (+select|0): only to allow, one argument deep.
                if (parts.Length > 2 || !allow || parts[1].Length == 0)
                {
                    error = parts.Length > 2 ? UnknownCommand : SyntaxError;
                    return false;
                }

                selector.AllowFirstArg(command, parts[1]);
                selector.AddRule(rule[0] + name, command);
                return true;
            }

            if (parts.Length > 2)
            {
                error = "Allowing first-arg of a subcommand is not supported";
                return false;
            }

            var sub = command.SubCommands.Find(parts[1]);
            if (sub is null)
            {
                error = UnknownCommand;
                return false;
            }

            command = sub;
        }

        selector.Set(command, allow);
        selector.AddRule(rule[0] + name, command);
        return true;
    }
}
