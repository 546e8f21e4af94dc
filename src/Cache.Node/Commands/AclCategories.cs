namespace Cache.Node.Commands;

/// <summary>
/// Redis 7's ACL categories, one bit each, in the order Redis lists them (ACL CAT, COMMAND INFO).
/// A command's set is what its registration names plus what its flags imply
/// (<see cref="AclCategoryNames.Of"/>).
/// </summary>
[Flags]
internal enum AclCategories : long
{
    None = 0,
    Keyspace = 1L << 0,
    Read = 1L << 1,
    Write = 1L << 2,
    Set = 1L << 3,
    SortedSet = 1L << 4,
    List = 1L << 5,
    Hash = 1L << 6,
    String = 1L << 7,
    Bitmap = 1L << 8,
    HyperLogLog = 1L << 9,
    Geo = 1L << 10,
    Stream = 1L << 11,
    PubSub = 1L << 12,
    Admin = 1L << 13,
    Fast = 1L << 14,
    Slow = 1L << 15,
    Blocking = 1L << 16,
    Dangerous = 1L << 17,
    Connection = 1L << 18,
    Transaction = 1L << 19,
    Scripting = 1L << 20,
}
