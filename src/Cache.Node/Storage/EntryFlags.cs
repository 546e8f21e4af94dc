namespace Cache.Node.Storage;

/// <summary>How a value is encoded in its record.</summary>
[Flags]
internal enum EntryFlags : byte
{
    None = 0,

    /// <summary>
    /// A value too big for its record (a large hash, list, set or sorted set): the record holds an
    /// index into its kind's <see cref="IValueStore"/>, which releases it.
    /// </summary>
    External = 1,

    /// <summary>Read since the eviction hand last passed (allkeys-sieve).</summary>
    Visited = 2,

    /// <summary>
    /// A string edited in place (APPEND, SETRANGE, SETBIT, BITFIELD): Redis holds such a string
    /// as "raw" whatever its bytes, so OBJECT ENCODING says raw until the value is replaced.
    /// </summary>
    RawString = 4,
}
