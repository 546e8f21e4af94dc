namespace Cache.Node.Commands;

/// <summary>ACL category names and the categories a command's flags imply, as Redis 7 derives them.</summary>
internal static class AclCategoryNames
{
    // Index i names bit i of AclCategories.
    private static readonly string[] Names =
    [
        "keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap", "hyperloglog", "geo", "stream",
        "pubsub", "admin", "fast", "slow", "blocking", "dangerous", "connection", "transaction", "scripting",
    ];

    /// <summary>
    /// The command's full set: the named categories plus those its flags imply (write → @write,
    /// readonly → @read unless @scripting, admin → @admin @dangerous, pubsub, fast, blocking),
    /// and @slow for whatever is not @fast.
    /// </summary>
    public static AclCategories Of(CommandFlags flags, AclCategories named)
    {
        var categories = named;
        if ((flags & CommandFlags.Write) != 0)
        {
            categories |= AclCategories.Write;
        }

        if ((flags & CommandFlags.ReadOnly) != 0 && (named & AclCategories.Scripting) == 0)
        {
            categories |= AclCategories.Read;
        }

        if ((flags & CommandFlags.Admin) != 0)
        {
            categories |= AclCategories.Admin | AclCategories.Dangerous;
        }

        if ((flags & CommandFlags.PubSub) != 0)
        {
            categories |= AclCategories.PubSub;
        }

        if ((flags & CommandFlags.Fast) != 0)
        {
            categories |= AclCategories.Fast;
        }

        if ((flags & CommandFlags.Blocking) != 0)
        {
            categories |= AclCategories.Blocking;
        }

        if ((categories & AclCategories.Fast) == 0)
        {
            categories |= AclCategories.Slow;
        }

        return categories;
    }

    /// <summary>"@read", "@string", ... in Redis' order.</summary>
    public static List<string> ToList(AclCategories categories)
    {
        var list = new List<string>();
        for (var i = 0; i < Names.Length; i++)
        {
            if (((long)categories & (1L << i)) != 0)
            {
                list.Add("@" + Names[i]);
            }
        }

        return list;
    }

    /// <summary>A category by its name without the '@', case-insensitively; <see cref="AclCategories.None"/> if unknown.</summary>
    public static AclCategories Parse(ReadOnlySpan<char> name)
    {
        for (var i = 0; i < Names.Length; i++)
        {
            if (name.Equals(Names[i], StringComparison.OrdinalIgnoreCase))
            {
                return (AclCategories)(1L << i);
            }
        }

        return AclCategories.None;
    }
}
