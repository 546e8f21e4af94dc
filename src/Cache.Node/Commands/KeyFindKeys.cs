namespace Cache.Node.Commands;

/// <summary>How a key spec's keys continue from where the search began (Redis 7's find_keys).</summary>
internal enum KeyFindKeysKind
{
    /// <summary>No fixed rule: only a custom finder knows.</summary>
    Unknown,

    /// <summary>A range: up to a last index (relative to the first key; negative counts from the end), every step.</summary>
    Range,

    /// <summary>An argument gives the number of keys (EVAL's numkeys, ZUNIONSTORE's numkeys).</summary>
    KeyNum,
}

/// <summary>
/// The find-keys half of a key spec. For <see cref="KeyFindKeysKind.Range"/>: <see cref="LastKey"/>
/// relative to the first key (0 = one key, -1 = up to the last argument), <see cref="KeyStep"/>,
/// and <see cref="Limit"/> (with LastKey -1: only the first 1/Limit of the rest are keys). For
/// <see cref="KeyFindKeysKind.KeyNum"/>: the count's index <see cref="KeyNumIndex"/> and the first
/// key's <see cref="FirstKey"/>, both relative to where the search began, and <see cref="KeyStep"/>.
/// </summary>
internal readonly record struct KeyFindKeys(KeyFindKeysKind Kind, int LastKey, int KeyStep, int Limit, int KeyNumIndex, int FirstKey)
{
    public static KeyFindKeys Unknown => default;

    public static KeyFindKeys Range(int lastKey, int keyStep = 1, int limit = 0) => new(KeyFindKeysKind.Range, lastKey, keyStep, limit, 0, 0);

    public static KeyFindKeys KeyNum(int keyNumIndex, int firstKey, int keyStep = 1) => new(KeyFindKeysKind.KeyNum, 0, keyStep, 0, keyNumIndex, firstKey);
}
