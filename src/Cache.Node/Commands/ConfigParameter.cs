namespace Cache.Node.Commands;

/// <summary>
/// One CONFIG parameter: how to read it and, unless immutable, how to validate a new value.
/// <see cref="Parse"/> returns Redis' error detail, or null and the change to apply; CONFIG SET
/// validates every pair before applying any, so a multi-pair SET is all or nothing.
/// </summary>
internal sealed class ConfigParameter(string name, Func<CacheServer, string> get, Func<string, (string? Error, Action<CacheServer>? Apply)>? parse = null)
{
    public string Name { get; } = name;

    public Func<CacheServer, string> Get { get; } = get;

    /// <summary>Answered only when asked by its exact name, never for a pattern (Redis' HIDDEN_CONFIG).</summary>
    public bool Hidden { get; init; }

    /// <summary>Refused by CONFIG SET as Redis refuses a PROTECTED_CONFIG while enable-protected-configs is no.</summary>
    public bool Protected { get; init; }

    /// <summary>Applied even when set to the value it has (Redis' VOLATILE_CONFIG: a file path whose file may have changed).</summary>
    public bool Volatile { get; init; }

    /// <summary>Null for an immutable parameter.</summary>
    public Func<string, (string? Error, Action<CacheServer>? Apply)>? Parse { get; } = parse;
}
