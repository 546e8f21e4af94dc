namespace Cache.Node.Storage;

/// <summary>
/// How full one packed run may get (Redis' list-max-listpack-size, read from
/// <see cref="EncodingLimits"/> at each write): a positive setting counts entries (and, as in
/// Redis, a node still stops at 8 KiB), a negative one caps a node's bytes at 4 to 64 KiB. An
/// empty node takes any one element, so an element larger than the cap lives alone.
/// </summary>
internal readonly struct ListNodeLimit
{
    // Redis' SIZE_SAFETY_LIMIT: a count-limited node still stops at this many bytes.
    private const int SafetyBytes = 8192;

    private readonly int _maxEntries;
    private readonly int _maxBytes;

    private ListNodeLimit(int maxEntries, int maxBytes)
    {
        _maxEntries = maxEntries;
        _maxBytes = maxBytes;
    }

    public static ListNodeLimit From(EncodingLimits limits) => limits.ListMaxListpackSize >= 0
        ? new ListNodeLimit(Math.Max(1, limits.ListMaxListpackSize), SafetyBytes)
        : new ListNodeLimit(int.MaxValue, limits.ListNodeMaxBytes);

    /// <summary>True when a node of <paramref name="entries"/> elements in <paramref name="bytes"/> may take one of <paramref name="elementBytes"/> more.</summary>
    public bool Accepts(int entries, int bytes, int elementBytes) =>
        entries == 0 || (entries < _maxEntries && (long)bytes + elementBytes <= _maxBytes);

    /// <summary>True when a run of <paramref name="entries"/> elements in <paramref name="bytes"/> fits one node.</summary>
    public bool Fits(int entries, int bytes) => entries <= 1 || (entries <= _maxEntries && bytes <= _maxBytes);
}
