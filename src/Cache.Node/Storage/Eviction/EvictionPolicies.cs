namespace Cache.Node.Storage;

/// <summary>Redis' names for <see cref="EvictionPolicy"/>.</summary>
internal static class EvictionPolicies
{
    private static readonly (string Name, EvictionPolicy Policy)[] Names =
    [
        ("noeviction", EvictionPolicy.NoEviction),
        ("allkeys-lru", EvictionPolicy.AllKeysLru),
        ("allkeys-random", EvictionPolicy.AllKeysRandom),
        ("volatile-lru", EvictionPolicy.VolatileLru),
        ("volatile-random", EvictionPolicy.VolatileRandom),
        ("volatile-ttl", EvictionPolicy.VolatileTtl),
        ("allkeys-sieve", EvictionPolicy.AllKeysSieve),
    ];

    /// <summary>The accepted names, comma separated, for error messages.</summary>
    public static string List => string.Join(", ", Names.Select(n => n.Name));

    public static bool TryParse(string text, out EvictionPolicy policy)
    {
        foreach (var (name, value) in Names)
        {
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
            {
                policy = value;
                return true;
            }
        }

        policy = default;
        return false;
    }

    public static string NameOf(EvictionPolicy policy)
    {
        foreach (var (name, value) in Names)
        {
            if (value == policy)
            {
                return name;
            }
        }

        return "noeviction";
    }
}
