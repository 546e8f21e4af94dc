using System.Text;

namespace Cache.Node.Commands;

/// <summary>
/// The node's ACL users (the default user always exists), the ACL LOG and the ACL file. Changes
/// bump <see cref="Version"/>; the whole ACL travels to peers with it (GOSSIPCACHE ACL) and a peer
/// takes it only when newer, as function libraries do.
/// </summary>
internal sealed class AclStore
{
    private readonly Dictionary<string, AclUser> _users = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public AclStore(CommandTable table, TimeProvider time, string? requirePass, string? aclFile)
    {
        Table = table;
        _time = time;
        AclFile = aclFile;
        Default = NewUser("default", table);
        Default.Enabled = true;
        Default.NoPass = true;
        Default.Root.SetAll(true);
        Default.Root.AllKeys = true;
        Default.Root.AllChannels = true;
        Default.Refresh();
        _users.Add(Default.Name, Default);
        SetRequirePass(requirePass);
        Internal = NewUser("default", table);
        Internal.Enabled = true;
        Internal.NoPass = true;
        Internal.Root.SetAll(true);
        Internal.Root.AllKeys = true;
        Internal.Root.AllChannels = true;
        Internal.Refresh();
        if (aclFile is not null && TryReplace(File.ReadAllLines(aclFile), aclFile) is { } error)
        {
            throw new InvalidOperationException("Error loading ACLs: " + error);
        }
    }

    /// <summary>The user of the node's own connections (a master's replication stream): every permission, in no list.</summary>
    public AclUser Internal { get; }

    public CommandTable Table { get; }

    public AclUser Default { get; }

    public AclLog Log { get; } = new();

    /// <summary>--aclfile: where ACL LOAD and ACL SAVE read and write; null when not configured.</summary>
    public string? AclFile { get; }

    public long Version { get; private set; }

    public IEnumerable<AclUser> Users => _users.Values.OrderBy(u => u.Name, StringComparer.Ordinal);

    /// <summary>For protected mode: the default user needs a password, or other users exist.</summary>
    public bool HasCredentials => !Default.NoPass || _users.Count > 1;

    /// <summary>A new connection starts as default; it is authenticated only if default is on and nopass.</summary>
    public bool DefaultNeedsAuth => !(Default.Enabled && Default.NoPass);

    public static AclUser NewUser(string name, CommandTable table)
    {
        var user = new AclUser(name, table.AclCount);
        user.Root.SetAll(false);
        user.Refresh();
        return user;
    }

    public AclUser? Find(string name) => _users.GetValueOrDefault(name);

    public AclUser? Find(ReadOnlySpan<byte> name) => _users.GetValueOrDefault(Encoding.UTF8.GetString(name));

    /// <summary>requirepass as Redis maps it: the default user's only password, or nopass when empty.</summary>
    public void SetRequirePass(string? password)
    {
        Default.Passwords.Clear();
        Default.NoPass = string.IsNullOrEmpty(password);
        if (!Default.NoPass)
        {
            Default.Passwords.Add(AclUser.Hash(Encoding.UTF8.GetBytes(password!)));
        }

        Default.Refresh();
    }

    /// <summary>ACL SETUSER: the rules apply to a copy, which replaces the user only when all of them are valid.</summary>
    public bool TrySetUser(string name, IReadOnlyList<string> rules, out string? error)
    {
        if (!AclRules.TryMergeSelectors(rules, out var merged, out error))
        {
            return false;
        }

        var existing = Find(name);
        var candidate = existing?.Clone() ?? NewUser(name, Table);
        foreach (var rule in merged)
        {
            if (!AclRules.TryApply(candidate, rule, Table, out var reason))
            {
                error = $"Error in ACL SETUSER modifier '{rule}': {reason}";
                return false;
            }
        }

        candidate.Refresh();
        if (existing is null)
        {
            _users.Add(name, candidate);
        }
        else
        {
            existing.CopyFrom(candidate);
        }

        return true;
    }

    public bool Delete(string name)
    {
        if (!_users.Remove(name, out var user))
        {
            return false;
        }

        user.Deleted = true;
        return true;
    }

    /// <summary>Every user as ACL LIST lines (the ACL file's format).</summary>
    public List<string> Describe() => [.. Users.Select(u => u.Describe())];

    /// <summary>Replaces every user with those of ACL file lines; on any error nothing changes and the error is returned.</summary>
    public string? TryReplace(IEnumerable<string> lines, string source)
    {
        var parsed = new Dictionary<string, AclUser>(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in lines)
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words[0] != "user" || words.Length < 2)
            {
                return $"{source}:{number}: should start with user keyword";
            }

            if (parsed.ContainsKey(words[1]))
            {
                return $"{source}:{number}: Duplicate user '{words[1]}' found";
            }

            var user = NewUser(words[1], Table);
            if (!AclRules.TryMergeSelectors(words[2..], out var merged, out var error))
            {
                return $"{source}:{number}: {error}";
            }

            foreach (var rule in merged)
            {
                if (!AclRules.TryApply(user, rule, Table, out error))
                {
                    return $"{source}:{number}: {error}. ";
                }
            }

            user.Refresh();
            parsed.Add(user.Name, user);
        }

        foreach (var (name, user) in _users.ToArray())
        {
            if (parsed.Remove(name, out var replacement))
            {
                user.CopyFrom(replacement);
            }
            else if (user != Default)
            {
                _users.Remove(name);
                user.Deleted = true;
            }
            else
            {
                // As Redis: a file without the default user leaves it as created at start.
                var fresh = NewUser("default", Table);
                AclRules.TryApply(fresh, "on", Table, out _);
                AclRules.TryApply(fresh, "nopass", Table, out _);
                AclRules.TryApply(fresh, "~*", Table, out _);
                AclRules.TryApply(fresh, "&*", Table, out _);
                AclRules.TryApply(fresh, "+@all", Table, out _);
                user.CopyFrom(fresh);
            }
        }

        foreach (var user in parsed.Values)
        {
            _users.Add(user.Name, user);
        }

        return null;
    }

    /// <summary>A change made here: a new version to send to peers.</summary>
    public long NextVersion() => Version = Math.Max(Version + 1, _time.GetUtcNow().ToUnixTimeMilliseconds() << 16);

    /// <summary>Takes a peer's whole ACL when its version is newer; true when taken.</summary>
    public bool TryAdopt(long version, IEnumerable<string> lines)
    {
        if (version <= Version || TryReplace(lines, "peer") is not null)
        {
            return false;
        }

        Version = version;
        return true;
    }

    public long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();
}
