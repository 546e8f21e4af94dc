using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Compatibility;

/// <summary>
/// Random sorted-set command sequences, redis-server being the model: each seed's script (writes,
/// reads, pops, range removals, set operations over three keys) must get the same reply from
/// both, with the packed threshold lowered so the sets cross between encodings on the way.
/// Lex ranges are left out: Redis' answer to them over mixed scores depends on its skiplist's levels.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class SortedSetRandomDifferentialTests(DifferentialFixture redis)
{
    private static readonly string[] Keys = ["za", "zb", "zc"];
    private static readonly string[] Scores = ["0", "1", "2", "2.5", "-3", "10", "inf", "-inf", "(1", "(2.5"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public Task Random_command_sequences_match_redis(int seed)
    {
        var random = new Random(seed);
        var script = new List<string> { "CONFIG SET zset-max-listpack-entries 5" };
        for (var i = 0; i < 600; i++)
        {
            script.Add(Command(random));
        }

        script.AddRange(Keys.Select(k => $"ZRANGE {k} 0 -1 WITHSCORES"));
        script.Add("CONFIG SET zset-max-listpack-entries 128");
        return redis.AssertSameAsync([.. script]);
    }

    private static string Command(Random random)
    {
        string Key() => Keys[random.Next(Keys.Length)];
        string Member() => $"m{random.Next(12)}";
        string Score() => Scores[random.Next(7)];
        string Bound() => Scores[random.Next(Scores.Length)];
        string Rank() => random.Next(-8, 8).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return random.Next(20) switch
        {
            0 or 1 or 2 => $"ZADD {Key()} {Score()} {Member()} {Score()} {Member()}",
            3 => $"ZADD {Key()} {new[] { "NX", "XX", "GT", "LT", "CH", "XX CH", "GT CH" }[random.Next(7)]} {Score()} {Member()}",
            4 => $"ZINCRBY {Key()} {Score()} {Member()}",
            5 => $"ZREM {Key()} {Member()} {Member()}",
            6 => $"{(random.Next(2) == 0 ? "ZPOPMIN" : "ZPOPMAX")} {Key()} {random.Next(0, 4)}",
            7 => $"ZRANGE {Key()} {Rank()} {Rank()} WITHSCORES",
            8 => $"ZRANGEBYSCORE {Key()} {Bound()} {Bound()} WITHSCORES LIMIT {random.Next(-1, 3)} {random.Next(-1, 4)}",
            9 => $"ZREVRANGEBYSCORE {Key()} {Bound()} {Bound()}",
            10 => $"ZRANGE {Key()} {Rank()} {Rank()} REV",
            11 => $"ZCOUNT {Key()} {Bound()} {Bound()}",
            12 => $"ZRANK {Key()} {Member()}",
            13 => $"ZSCORE {Key()} {Member()}",
            14 => $"ZREMRANGEBYRANK {Key()} {Rank()} {Rank()}",
            15 => $"ZREMRANGEBYSCORE {Key()} {Bound()} {Bound()}",
            16 => $"ZUNIONSTORE {Key()} 2 {Key()} {Key()} WEIGHTS {random.Next(-2, 3)} 1",
            17 => $"ZINTERSTORE {Key()} 2 {Key()} {Key()} AGGREGATE {new[] { "SUM", "MIN", "MAX" }[random.Next(3)]}",
            18 => $"ZDIFFSTORE {Key()} 2 {Key()} {Key()}",
            _ => $"ZMPOP 3 {string.Join(' ', Keys)} {(random.Next(2) == 0 ? "MIN" : "MAX")} COUNT {random.Next(1, 4)}",
        };
    }
}
