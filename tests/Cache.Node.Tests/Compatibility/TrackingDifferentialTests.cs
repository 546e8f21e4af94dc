using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Compatibility;

/// <summary>
/// Client-side caching against redis-server: CLIENT TRACKING's argument errors and CLIENT
/// CACHING/GETREDIR/TRACKINGINFO replies (RESP2 and RESP3), invalidation pushes to a RESP3
/// client (default mode, BCAST, NOLOOP, FLUSHALL's null, its own write after its reply),
/// invalidations redirected to a RESP2 subscriber of __redis__:invalidate and a broken
/// redirection, and CLIENT INFO's flags and redir.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class TrackingDifferentialTests(DifferentialFixture redis)
{
    private static readonly string[] OptionScript =
    [
        "CLIENT TRACKINGINFO", "CLIENT GETREDIR", "CLIENT TRACKING maybe", "CLIENT TRACKING on foo",
        "CLIENT TRACKING on REDIRECT abc", "CLIENT TRACKING on REDIRECT 999999", "CLIENT TRACKING on REDIRECT",
        "CLIENT TRACKING on PREFIX a", "CLIENT TRACKING on BCAST OPTIN", "CLIENT TRACKING on BCAST OPTOUT",
        "CLIENT TRACKING on OPTIN OPTOUT", "CLIENT TRACKING on BCAST PREFIX", "CLIENT TRACKING on BCAST PREFIX ab PREFIX a",
        "CLIENT TRACKING on BCAST PREFIX a PREFIX ab", "CLIENT CACHING yes", "CLIENT TRACKING on OPTIN", "CLIENT TRACKINGINFO",
        "CLIENT TRACKING on OPTOUT", "CLIENT TRACKING on BCAST", "CLIENT CACHING no", "CLIENT CACHING maybe",
        "CLIENT CACHING yes", "CLIENT TRACKINGINFO", "GET k", "CLIENT TRACKINGINFO", "CLIENT TRACKING off",
        "CLIENT TRACKING on OPTOUT NOLOOP", "CLIENT CACHING yes", "CLIENT CACHING no", "CLIENT TRACKINGINFO",
        "CLIENT TRACKING off", "CLIENT TRACKING on BCAST PREFIX b PREFIX a NOLOOP", "CLIENT TRACKINGINFO",
        "CLIENT TRACKING on BCAST PREFIX abc", "CLIENT TRACKING on BCAST PREFIX b", "CLIENT TRACKING on BCAST PREFIX c",
        "CLIENT TRACKING on", "CLIENT TRACKINGINFO", "CLIENT GETREDIR", "CLIENT TRACKING off", "CLIENT TRACKINGINFO",
        "CLIENT TRACKING on BCAST", "CLIENT TRACKINGINFO", "RESET", "CLIENT TRACKINGINFO",
        "CLIENT TRACKING", "CLIENT CACHING", "CLIENT GETREDIR x", "CLIENT TRACKINGINFO x",
    ];

    [Theory]
    [InlineData("2")]
    [InlineData("3")]
    public async Task Tracking_options_errors_and_trackinginfo_match_redis(string protocol)
    {
        string[] script = ["HELLO " + protocol, .. OptionScript];
        var ours = await RunAsync(redis.Node.Port, script);
        var theirs = await RunAsync(redis.Redis.Port, script);
        ReplyListAssert.Same(theirs.Skip(1).ToList(), ours.Skip(1).ToList());
    }

    [Fact]
    public async Task Resp3_invalidation_pushes_match_redis()
    {
        var ours = await Resp3PushesAsync(redis.Node.Port);
        var theirs = await Resp3PushesAsync(redis.Redis.Port);
        Assert.Contains(theirs, r => r.Contains(">2\r\n$10\r\ninvalidate\r\n*2\r\n", StringComparison.Ordinal));
        ReplyListAssert.Same(theirs, ours);
    }

    [Fact]
    public async Task Resp2_redirection_to_a_subscriber_and_a_broken_redirection_match_redis()
    {
        var ours = await RedirectAsync(redis.Node.Port);
        var theirs = await RedirectAsync(redis.Redis.Port);
        Assert.Contains(theirs, r => r.Contains("__redis__:invalidate\r\n*1\r\n$1\r\nk\r\n", StringComparison.Ordinal));
        Assert.Contains(theirs, r => r.Contains("tracking-redir-broken", StringComparison.Ordinal));
        ReplyListAssert.Same(theirs, ours);
    }

    [Fact]
    public async Task Client_info_shows_tracking_flags_and_redirection_as_redis()
    {
        var ours = await ClientInfoAsync(redis.Node.Port);
        var theirs = await ClientInfoAsync(redis.Redis.Port);
        Assert.Equal(theirs, ours);
    }

    private static async Task<List<string>> RunAsync(int port, string[] script)
    {
        await using var client = await RespTestClient.ConnectAsync(port);
        Assert.Equal("+OK\r\n", await client.CallAsync("FLUSHALL"));
        var replies = new List<string>();
        foreach (var step in script)
        {
            replies.Add(await client.CallAsync(step.Split(' ')));
        }

        return replies;
    }

    // Everything the tracking client reads after each step, up to the PONG it asks for.
    private static async Task<List<string>> Resp3PushesAsync(int port)
    {
        await using var tracked = await RespTestClient.ConnectAsync(port);
        await using var writer = await RespTestClient.ConnectAsync(port);
        Assert.Equal("+OK\r\n", await writer.CallAsync("FLUSHALL"));
        await tracked.CallAsync("HELLO", "3");
        var seen = new List<string>
        {
            await tracked.CallAsync("CLIENT", "TRACKING", "ON"),
            await writer.CallAsync("SET", "k", "1"),
            await tracked.CallAsync("GET", "k"),
            await tracked.CallAsync("MGET", "a", "b", "missing"),
        };
        await writer.CallAsync("SET", "k", "2");
        await writer.CallAsync("SET", "k", "3");     // forgotten after the first invalidation: nothing more
        seen.Add(await UpToPongAsync(tracked));
        await writer.CallAsync("MSET", "a", "1", "b", "2", "unread", "3");
        seen.Add(await UpToPongAsync(tracked));

        // The client's own write: the reply first, then the push.
        seen.Add(await tracked.CallAsync("HSET", "h", "f", "1"));
        seen.Add(await tracked.CallAsync("HGET", "h", "f"));
        seen.Add(await tracked.CallAsync("HDEL", "h", "f"));
        seen.Add(await UpToPongAsync(tracked));

        // A transaction's invalidations follow EXEC's reply.
        seen.Add(await tracked.CallAsync("GET", "k"));
        seen.Add(await tracked.CallAsync("MULTI"));
        seen.Add(await tracked.CallAsync("INCR", "k"));
        seen.Add(await tracked.CallAsync("EXEC"));
        seen.Add(await UpToPongAsync(tracked));

        seen.Add(await tracked.CallAsync("GET", "k"));
        await writer.CallAsync("FLUSHALL");
        seen.Add(await UpToPongAsync(tracked));

        // BCAST with prefixes and NOLOOP: one push per prefix per command, the client's own keys left out.
        seen.Add(await tracked.CallAsync("CLIENT", "TRACKING", "OFF"));
        seen.Add(await tracked.CallAsync("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "p:", "PREFIX", "q:", "NOLOOP"));
        await writer.CallAsync("MSET", "p:2", "x", "p:1", "y", "q:1", "z", "r:1", "w");
        seen.Add(await UpToPongAsync(tracked, sortFrames: true));
        seen.Add(await tracked.CallAsync("SET", "p:3", "mine"));
        await writer.CallAsync("DEL", "p:3");
        seen.Add(await UpToPongAsync(tracked));

        // OPTIN: only the read after CLIENT CACHING YES is remembered.
        seen.Add(await tracked.CallAsync("CLIENT", "TRACKING", "OFF"));
        seen.Add(await tracked.CallAsync("CLIENT", "TRACKING", "ON", "OPTIN"));
        seen.Add(await tracked.CallAsync("GET", "o1"));
        seen.Add(await tracked.CallAsync("CLIENT", "CACHING", "YES"));
        seen.Add(await tracked.CallAsync("GET", "o2"));
        await writer.CallAsync("MSET", "o1", "1", "o2", "2");
        seen.Add(await UpToPongAsync(tracked));
        return seen;
    }

    private static async Task<List<string>> RedirectAsync(int port)
    {
        await using var listener = await RespTestClient.ConnectAsync(port);
        await using var tracked = await RespTestClient.ConnectAsync(port);
        await using var writer = await RespTestClient.ConnectAsync(port);
        Assert.Equal("+OK\r\n", await writer.CallAsync("FLUSHALL"));
        var id = Integer(await listener.CallAsync("CLIENT", "ID"));
        var seen = new List<string>
        {
            await listener.CallAsync("SUBSCRIBE", "__redis__:invalidate"),
            await tracked.CallAsync("CLIENT", "TRACKING", "ON", "REDIRECT", id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (Integer(await tracked.CallAsync("CLIENT", "GETREDIR")) == id).ToString(),
            await tracked.CallAsync("GET", "k"),
            await writer.CallAsync("SET", "k", "v"),
            await listener.ReadReplyAsync(),
            await tracked.CallAsync("GET", "k"),
            await writer.CallAsync("FLUSHDB"),
            await listener.ReadReplyAsync(),
            await tracked.CallAsync("GET", "k"),
            await listener.CallAsync("QUIT"),
        };
        Assert.True(await listener.IsClosedByServerAsync());
        seen.Add(await writer.CallAsync("SET", "k", "again"));

        // A RESP3 client hears that its redirection is gone; TRACKINGINFO and CLIENT INFO show it.
        seen.Add(await tracked.CallAsync("HELLO", "3") is var hello && hello.StartsWith('%') ? "hello" : hello);
        seen.Add(await tracked.CallAsync("GET", "k"));
        seen.Add(await writer.CallAsync("SET", "k", "more"));
        seen.Add(StripIds(await UpToPongAsync(tracked), id));
        seen.Add(StripIds(await tracked.CallAsync("CLIENT", "TRACKINGINFO"), id));
        seen.Add(Field(await tracked.CallAsync("CLIENT", "INFO"), "flags"));
        return seen;
    }

    private static async Task<List<string>> ClientInfoAsync(int port)
    {
        await using var client = await RespTestClient.ConnectAsync(port);
        var seen = new List<string>();
        string[][] steps =
        [
            ["CLIENT", "TRACKING", "ON"], ["CLIENT", "TRACKING", "OFF"], ["CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "x"],
            ["CLIENT", "TRACKING", "OFF"], ["CLIENT", "TRACKING", "ON", "OPTOUT"],
        ];
        seen.Add(Field(await client.CallAsync("CLIENT", "INFO"), "flags") + Field(await client.CallAsync("CLIENT", "INFO"), "redir"));
        foreach (var step in steps)
        {
            await client.CallAsync(step);
            var info = await client.CallAsync("CLIENT", "INFO");
            seen.Add(Field(info, "flags") + " " + Field(info, "redir"));
        }

        return seen;
    }

    private static async Task<string> UpToPongAsync(RespTestClient client, bool sortFrames = false)
    {
        await client.SendAsync("PING");
        var frames = new List<string>();
        while (await client.ReadReplyAsync() is var frame && frame != "+PONG\r\n")
        {
            frames.Add(frame);
        }

        // Redis walks its prefixes in a radix tree's order, ours in byte order: the same set.
        return string.Concat(sortFrames ? frames.Order(StringComparer.Ordinal) : frames);
    }

    private static long Integer(string reply) => long.Parse(reply.AsSpan(1, reply.Length - 3), System.Globalization.CultureInfo.InvariantCulture);

    private static string StripIds(string reply, long id) => reply.Replace(":" + id.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\r\n", ":<redirect>\r\n", StringComparison.Ordinal);

    private static string Field(string info, string name)
    {
        var start = info.IndexOf(" " + name + "=", StringComparison.Ordinal) + name.Length + 2;
        var end = info.IndexOf(' ', start);
        return name + "=" + info[start..end];
    }
}
