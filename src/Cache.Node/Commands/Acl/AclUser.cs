using System.Security.Cryptography;
using System.Text;

namespace Cache.Node.Commands;

/// <summary>
/// An ACL user: on/off, its passwords (SHA-256, lowercase hex, as Redis keeps them), nopass, a
/// root selector and extra selectors. Sessions hold the user itself, so ACL SETUSER changes it in
/// place (<see cref="CopyFrom"/>) and every connection of the user sees the change at once.
/// </summary>
internal sealed class AclUser
{
    public AclUser(string name, int commandCount)
    {
        Name = name;
        Root = new AclSelector(commandCount);
    }

    public string Name { get; }

    public bool Enabled { get; set; }

    public bool NoPass { get; set; }

    public List<string> Passwords { get; } = [];

    public AclSelector Root { get; private set; }

    public List<AclSelector> Selectors { get; } = [];

    /// <summary>Set when the user is deleted: its connections are closed.</summary>
    public bool Deleted { get; set; }

    /// <summary>The root selector allows everything and there are no others to consult: checks stop here.</summary>
    public bool Unrestricted { get; private set; }

    public AclUser Clone()
    {
        var copy = new AclUser(Name, 0);
        copy.CopyFrom(this);
        return copy;
    }

    public void CopyFrom(AclUser other)
    {
        Enabled = other.Enabled;
        NoPass = other.NoPass;
        Passwords.Clear();
        Passwords.AddRange(other.Passwords);
        Root = other.Root.Clone();
        Selectors.Clear();
        Selectors.AddRange(other.Selectors.Select(s => s.Clone()));
        Refresh();
    }

    /// <summary>Recomputes <see cref="Unrestricted"/> after a change.</summary>
    public void Refresh() => Unrestricted = Root.Unrestricted;

    public static string Hash(ReadOnlySpan<byte> password) => Convert.ToHexStringLower(SHA256.HashData(password));

    /// <summary>The password matches (in time independent of where it differs), or the user has nopass.</summary>
    public bool CheckPassword(ReadOnlySpan<byte> password)
    {
        if (NoPass)
        {
            return true;
        }

        var hash = Encoding.ASCII.GetBytes(Hash(password));
        var ok = false;
        foreach (var stored in Passwords)
        {
            ok |= CryptographicOperations.FixedTimeEquals(hash, Encoding.ASCII.GetBytes(stored));
        }

        return ok;
    }

    /// <summary>Redis' ACLCheckAllUserCommandPerm: OK when a selector allows it, else the most relevant refusal.</summary>
    public AclResult Check(CommandDefinition command, in Resp.RespRequest request, out int position)
    {
        var result = Root.Check(command, request, out position);
        if (result == AclResult.Ok)
        {
            return result;
        }

        foreach (var selector in Selectors)
        {
            var other = selector.Check(command, request, out var at);
            if (other == AclResult.Ok)
            {
                position = 0;
                return other;
            }

            if (other > result || (other == result && at > position))
            {
                result = other;
                position = at;
            }
        }

        return result;
    }

    public IEnumerable<string> Flags()
    {
        yield return Enabled ? "on" : "off";
        if (NoPass)
        {
            yield return "nopass";
        }
    }

    /// <summary>The user as one ACL LIST / ACL file line.</summary>
    public string Describe()
    {
        var text = new StringBuilder("user ").Append(Name);
        foreach (var flag in Flags())
        {
            text.Append(' ').Append(flag);
        }

        foreach (var password in Passwords)
        {
            text.Append(" #").Append(password);
        }

        text.Append(' ').Append(DescribeSelector(Root));
        foreach (var selector in Selectors)
        {
            text.Append(" (").Append(DescribeSelector(selector)).Append(')');
        }

        return text.ToString();
    }

    public static string DescribeKeys(AclSelector selector) =>
        selector.AllKeys ? "~*" : string.Join(' ', selector.Keys.Select(k => k.Describe()));

    public static string DescribeChannels(AclSelector selector) =>
        selector.AllChannels ? "&*" : string.Join(' ', selector.Channels.Select(c => "&" + Encoding.Latin1.GetString(c)));

    private static string DescribeSelector(AclSelector selector)
    {
        var text = new StringBuilder();
        var keys = DescribeKeys(selector);
        if (keys.Length > 0)
        {
            text.Append(keys).Append(' ');
        }

        if (selector.AllChannels)
        {
            text.Append("&* ");
        }
        else
        {
            text.Append("resetchannels ");
            var channels = DescribeChannels(selector);
            if (channels.Length > 0)
            {
                text.Append(channels).Append(' ');
            }
        }

        return text.Append(selector.CommandRules).ToString();
    }
}
