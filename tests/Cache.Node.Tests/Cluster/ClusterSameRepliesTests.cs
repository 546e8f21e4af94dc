using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Cluster;

/// <summary>
/// A 3-node cluster serves each command family through any node with the replies one node
/// gives: each script runs through every node as a plain client (so most commands are forwarded
/// to their slot's owner), with its keys under one hash tag, and is compared with a single node.
/// </summary>
public sealed class ClusterSameRepliesTests(ThreeNodeCluster cluster) : IClassFixture<ThreeNodeCluster>, IAsyncLifetime
{
    private TestNode _single = null!;

    public static TheoryData<string> Families => new(Scripts.Keys);

    // "{t}" becomes a hash tag chosen per run, so each run's keys are fresh and in one slot.
    private static readonly Dictionary<string, string[]> Scripts = new()
    {
        ["strings"] =
        [
            "SET {t}a 1", "INCR {t}a", "APPEND {t}a x", "GET {t}a", "MSET {t}b 1 {t}c 2", "MGET {t}a {t}b {t}c", "GETDEL {t}b",
            "SETRANGE {t}c 5 z", "GET {t}c", "STRLEN {t}c", "LCS {t}a {t}c", "COPY {t}a {t}d", "GET {t}d", "OBJECT ENCODING {t}d",
        ],
        ["hashes"] =
        [
            "HSET {t}h f 1 g 2", "HINCRBY {t}h f 5", "HGET {t}h f", "HMGET {t}h f g x", "HDEL {t}h g", "HLEN {t}h", "HSET {t}s f v",
            "HEXISTS {t}h f", "HSTRLEN {t}h f", "TYPE {t}h", "SET {t}str v", "HGET {t}str f", "RENAME {t}h {t}h2", "HGET {t}h2 f",
        ],
        ["lists"] =
        [
            "RPUSH {t}l a b c d", "LPUSH {t}l z", "LRANGE {t}l 0 -1", "LPOP {t}l 2", "RPOP {t}l", "LLEN {t}l", "LINDEX {t}l 0",
            "LSET {t}l 0 q", "LINSERT {t}l BEFORE q p", "LPOS {t}l q", "LREM {t}l 0 p", "LTRIM {t}l 0 5", "LMOVE {t}l {t}m LEFT RIGHT",
            "RPOPLPUSH {t}m {t}l", "LMPOP 2 {t}nope {t}l LEFT COUNT 1", "RPUSH {t}b x", "BLPOP {t}b 1", "BLMOVE {t}l {t}m RIGHT LEFT 1",
            "BLMPOP 1 1 {t}m RIGHT", "SORT {t}l ALPHA", "DUMP {t}nope", "OBJECT ENCODING {t}l", "COPY {t}l {t}c", "LRANGE {t}c 0 -1",
            "TYPE {t}l", "SET {t}s v", "LPUSH {t}s x",
        ],
        ["sets"] =
        [
            "SADD {t}a 1 2 3 x", "SADD {t}b 2 3 y", "SCARD {t}a", "SISMEMBER {t}a x", "SMISMEMBER {t}a 1 9", "SINTER {t}a {t}b",
            "SINTERCARD 2 {t}a {t}b", "SUNIONSTORE {t}u {t}a {t}b", "SCARD {t}u", "SDIFFSTORE {t}d {t}a {t}b", "SMEMBERS {t}d",
            "SMOVE {t}a {t}b x", "SREM {t}a 1", "SINTERSTORE {t}i {t}a {t}b", "SCARD {t}i", "OBJECT ENCODING {t}a", "TYPE {t}b",
            "SPOP {t}nope", "SRANDMEMBER {t}nope", "SORT {t}d ALPHA",
        ],
        ["sorted-sets"] =
        [
            "ZADD {t}z 1 a 2 b 3 c", "ZINCRBY {t}z 2.5 a", "ZSCORE {t}z a", "ZRANK {t}z a", "ZRANGE {t}z 0 -1 WITHSCORES",
            "ZRANGEBYSCORE {t}z (1 +inf", "ZRANGE {t}z (a + BYLEX", "ZCOUNT {t}z -inf +inf", "ZPOPMIN {t}z", "ZADD {t}y 5 c 6 d",
            "ZUNIONSTORE {t}u 2 {t}z {t}y WEIGHTS 1 2", "ZRANGE {t}u 0 -1 WITHSCORES", "ZINTERCARD 2 {t}z {t}y", "ZMPOP 2 {t}z {t}y MAX",
            "BZPOPMIN {t}u 1", "BZMPOP 1 1 {t}u MIN COUNT 2", "ZRANGESTORE {t}r {t}y 0 -1", "ZREMRANGEBYRANK {t}r 0 0",
            "ZCARD {t}r", "OBJECT ENCODING {t}y", "ZMSCORE {t}y c nope",
        ],
        ["keys"] =
        [
            "SET {t}k v", "EXPIRE {t}k 100", "TTL {t}k", "PERSIST {t}k", "TTL {t}k", "EXISTS {t}k {t}nope", "TYPE {t}k", "DEL {t}k",
            "EXISTS {t}k", "SET {t}x 1", "DUMP {t}nope", "RENAMENX {t}x {t}y", "GET {t}y",
        ],
        ["streams"] =
        [
            "XADD {t}x 1-1 a 1", "XADD {t}x 2-1 b 2", "XADD {t}x 3-1 c 3", "XLEN {t}x", "XRANGE {t}x - +", "XREVRANGE {t}x + - COUNT 1",
            "XGROUP CREATE {t}x g 0", "XREADGROUP GROUP g c COUNT 2 STREAMS {t}x >", "XACK {t}x g 1-1", "XPENDING {t}x g",
            "XDEL {t}x 3-1", "XREAD COUNT 5 STREAMS {t}x 0", "XTRIM {t}x MAXLEN 1", "XLEN {t}x", "TYPE {t}x", "SET {t}s v", "XLEN {t}s",
        ],
        ["geo"] =
        [
            "GEOADD {t}g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania", "GEODIST {t}g Palermo Catania km",
            "GEOPOS {t}g Palermo nowhere", "GEOHASH {t}g Catania", "GEOSEARCH {t}g FROMLONLAT 15 37 BYRADIUS 200 km ASC WITHDIST",
            "GEOSEARCHSTORE {t}d {t}g FROMMEMBER Palermo BYRADIUS 300 km", "ZCARD {t}d", "GEOADD {t}g 200 100 bad",
        ],
        ["bitmaps"] =
        [
            "SETBIT {t}b 7 1", "GETBIT {t}b 7", "BITCOUNT {t}b", "BITPOS {t}b 1", "SET {t}c a", "BITOP AND {t}d {t}b {t}c", "GET {t}d",
            "BITFIELD {t}e SET u8 0 200 GET u8 0 INCRBY u8 0 100", "BITFIELD_RO {t}e GET u8 0",
        ],
    };

    public async Task InitializeAsync() => _single = await TestNode.StartAsync();

    public async Task DisposeAsync() => await _single.DisposeAsync();

    [Theory]
    [MemberData(nameof(Families))]
    public async Task Every_node_gives_the_replies_of_a_single_node(string family)
    {
        for (var via = 0; via < cluster.Nodes.Count; via++)
        {
            var tag = "{" + family + "-" + via + "-" + Guid.NewGuid().ToString("N")[..8] + "}";
            var commands = Scripts[family].Select(c => c.Replace("{t}", tag, StringComparison.Ordinal).Split(' ')).ToArray();
            var expected = await RunAsync(_single.Port, commands);
            var actual = await RunAsync(cluster.Nodes[via].Port, commands);
            for (var i = 0; i < commands.Length; i++)
            {
                Assert.True(expected[i] == actual[i],
                    $"via node {via} ({(cluster.OwnerOf(tag).Port == cluster.Nodes[via].Port ? "owner" : "forwarded")}): {string.Join(' ', commands[i])}\n  one node: {expected[i]}\n  cluster:  {actual[i]}");
            }
        }
    }

    private static async Task<List<string>> RunAsync(int port, string[][] commands)
    {
        await using var client = await RespTestClient.ConnectAsync(port);
        var replies = new List<string>();
        foreach (var command in commands)
        {
            replies.Add(await client.CallAsync(command));
        }

        return replies;
    }
}
