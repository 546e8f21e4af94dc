namespace Cache.Node.Commands;

/// <summary>Where a key spec's keys start (Redis 7's begin_search).</summary>
internal enum KeyBeginSearchKind
{
    /// <summary>No fixed rule: only a custom finder knows.</summary>
    Unknown,

    /// <summary>At a fixed argument index.</summary>
    Index,

    /// <summary>Just after a keyword, searched from an index (backwards when negative).</summary>
    Keyword,
}

/// <summary>
/// The begin-search half of a key spec: a fixed index (GET's key at 1) or the argument after a
/// keyword (XREAD's STREAMS, searched from <see cref="StartFrom"/>; negative counts from the end
/// and searches backwards).
/// </summary>
internal readonly record struct KeyBeginSearch(KeyBeginSearchKind Kind, int Index, string? Keyword, int StartFrom)
{
    public static KeyBeginSearch Unknown => default;

    public static KeyBeginSearch AtIndex(int index) => new(KeyBeginSearchKind.Index, index, null, 0);

    public static KeyBeginSearch AfterKeyword(string keyword, int startFrom) => new(KeyBeginSearchKind.Keyword, 0, keyword, startFrom);
}
