using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Compatibility;

/// <summary>
/// Pub/sub against redis-server, RESP2 and RESP3: subscription replies, subscriber mode and its
/// error, PING and RESET there, PUBSUB introspection, messages and pattern messages between two
/// clients, a RESP3 client's pushes mixed with its replies, and CLIENT REPLY OFF.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class PubSubDifferentialTests(DifferentialFixture redis)
{
    // "n|COMMAND": the command answers with n replies (a SUBSCRIBE of n channels, an UNSUBSCRIBE of all).
    private static readonly string[] SubscriberScript =
    [
        "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "PUBLISH c", "SPUBLISH c", "PUBSUB", "PUBSUB NUMPAT x", "PUBSUB CHANNELS a b",
        "PUBSUB NOPE", "1|UNSUBSCRIBE", "1|PUNSUBSCRIBE", "1|SUNSUBSCRIBE", "UNSUBSCRIBE nothere", "PUNSUBSCRIBE nothere",
        "2|SUBSCRIBE a b", "1|SUBSCRIBE a", "2|PSUBSCRIBE p* a?", "1|SSUBSCRIBE s", "PING", "PING hi", "PING a b",
        "GET k", "SET k v", "ECHO x", "PUBLISH zz m", "PUBSUB NUMSUB a b zz", "PUBSUB NUMPAT",
        "PUBSUB CHANNELS a*", "PUBSUB SHARDCHANNELS", "PUBSUB SHARDNUMSUB s t", "PUBSUB HELP", "CLIENT REPLY MAYBE",
        "2|UNSUBSCRIBE a nothere", "1|UNSUBSCRIBE", "2|PUNSUBSCRIBE", "1|SUNSUBSCRIBE s", "PING",
        "1|SUBSCRIBE again", "RESET", "PING", "PUBSUB NUMSUB again", "GET k",
    ];

    [Fact]
    public Task Subscriber_mode_replies_and_errors_match_redis_in_resp2() => AssertSameAsync(SubscriberScript, "2");

    [Fact]
    public Task Subscriber_mode_replies_and_errors_match_redis_in_resp3() => AssertSameAsync(SubscriberScript, "3");

    [Theory]
    [InlineData("2")]
    [InlineData("3")]
    public async Task Messages_and_pattern_messages_reach_subscribers_as_from_redis(string protocol)
    {
        string[] subscriptions = ["SUBSCRIBE news", "PSUBSCRIBE n*", "PSUBSCRIBE [a-n]ews", "PSUBSCRIBE h?llo", "SUBSCRIBE \\x00bin"];
        string[] publishes = ["PUBLISH news one", "PUBLISH nothing two", "PUBLISH hello three", "PUBLISH hxllo four", "PUBLISH other five", "PUBLISH news", "SPUBLISH news six"];
        var ours = await ExchangeAsync(redis.Node.Port, protocol, subscriptions, publishes);
        var theirs = await ExchangeAsync(redis.Redis.Port, protocol, subscriptions, publishes);
        ReplyListAssert.Same(theirs, ours);
    }

    [Fact]
    public async Task A_resp3_client_subscribed_to_what_it_publishes_gets_the_push_then_the_reply_as_from_redis()
    {
        string[] script = ["HELLO 3", "SUBSCRIBE me", "2|PUBLISH me hello", "GET nokey", "PSUBSCRIBE m*", "3|PUBLISH me again", "PING", "UNSUBSCRIBE me", "2|PUBLISH me more", "RESET", "PUBLISH me last"];
        var ours = await RunAndDrainAsync(redis.Node.Port, script);
        var theirs = await RunAndDrainAsync(redis.Redis.Port, script);
        Assert.Equal(theirs.Skip(1), ours.Skip(1));   // HELLO names the server
    }

    [Fact]
    public async Task Client_reply_off_still_delivers_subscription_replies_and_messages_as_redis()
    {
        var ours = await ReplyOffAsync(redis.Node.Port);
        var theirs = await ReplyOffAsync(redis.Redis.Port);
        ReplyListAssert.Same(theirs, ours);
    }

    [Fact]
    public async Task Reset_turns_replies_back_on_and_answers_itself_as_redis()
    {
        async Task<List<string>> RunAsync(int port)
        {
            await using var client = await RespTestClient.ConnectAsync(port);
            await client.SendAsync("CLIENT", "REPLY", "OFF");
            await client.SendAsync("GET", "nokey");
            var replies = new List<string> { await client.CallAsync("RESET"), await client.CallAsync("ECHO", "shown") };
            // Under SKIP the skipped reply is RESET's own, and replies are on after it.
            await client.SendAsync("CLIENT", "REPLY", "SKIP");
            await client.SendAsync("RESET");
            replies.Add(await client.CallAsync("ECHO", "again"));
            replies.Add(await client.CallAsync("ECHO", "still"));

            // Inside MULTI, RESET runs at once (it is not queued) and discards the transaction.
            replies.Add(await client.CallAsync("MULTI"));
            replies.Add(await client.CallAsync("SET", "key-a", "a"));
            replies.Add(await client.CallAsync("RESET"));
            replies.Add(await client.CallAsync("EXEC"));
            return replies;
        }

        ReplyListAssert.Same(await RunAsync(redis.Redis.Port), await RunAsync(redis.Node.Port));
    }

    [Fact]
    public Task Output_buffer_limit_config_matches_redis() => redis.AssertSameAsync([
        ["CONFIG", "GET", "client-output-buffer-limit"],
        ["CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb"],
        ["CONFIG", "SET", "client-output-buffer-limit", "master 1 1 1"],
        ["CONFIG", "SET", "client-output-buffer-limit", "pubsub 1x 1 1"],
        ["CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 2k 5 normal 0 0 0"],
        ["CONFIG", "GET", "client-output-buffer-limit"],
        ["CONFIG", "SET", "client-output-buffer-limit", "pubsub 32mb 8mb 60"],
        ["CONFIG", "GET", "client-output-buffer-limit"]]);

    private async Task AssertSameAsync(string[] script, string protocol)
    {
        string[] all = ["HELLO " + protocol, .. script];
        var ours = await RunAndDrainAsync(redis.Node.Port, all);
        var theirs = await RunAndDrainAsync(redis.Redis.Port, all);
        Assert.Equal(theirs.Skip(1), ours.Skip(1));   // HELLO names the server
    }

    /// <summary>Runs the script on one connection, reading as many replies as each step says (1 unless "n|").</summary>
    private static async Task<List<string>> RunAndDrainAsync(int port, string[] script)
    {
        await using var client = await RespTestClient.ConnectAsync(port);
        Assert.Equal("+OK\r\n", await client.CallAsync("FLUSHALL"));
        var replies = new List<string>();
        foreach (var step in script)
        {
            var bar = step.IndexOf('|', StringComparison.Ordinal);
            var count = bar > 0 ? int.Parse(step[..bar], System.Globalization.CultureInfo.InvariantCulture) : 1;
            var command = bar > 0 ? step[(bar + 1)..] : step;

            await client.SendAsync(command.Split(' '));
            var text = new System.Text.StringBuilder();
            for (var i = 0; i < count; i++)
            {
                text.Append(await client.ReadReplyAsync());
            }

            replies.Add(text.ToString());
        }

        return replies;
    }

    private static async Task<List<string>> ExchangeAsync(int port, string protocol, string[] subscriptions, string[] publishes)
    {
        await using var subscriber = await RespTestClient.ConnectAsync(port);
        await using var publisher = await RespTestClient.ConnectAsync(port);
        await subscriber.CallAsync("HELLO", protocol);
        var replies = new List<string>();
        foreach (var subscription in subscriptions)
        {
            replies.Add(await subscriber.CallAsync(Args(subscription)));
        }

        foreach (var publish in publishes)
        {
            replies.Add(await publisher.CallAsync(Args(publish)));
        }

        // The subscriber reads every message up to the reply to a PING sent after the last one.
        // Redis walks its patterns in hash order, so the messages are compared as a set.
        replies.Add(await publisher.CallAsync("PUBLISH", "news", "end"));
        await subscriber.SendAsync("PING");
        var messages = new List<string>();
        while (await subscriber.ReadReplyAsync() is var message && !message.Contains("pong", StringComparison.OrdinalIgnoreCase))
        {
            messages.Add(message);
        }

        replies.AddRange(messages.Order(StringComparer.Ordinal));
        return replies;
    }

    private static async Task<List<string>> ReplyOffAsync(int port)
    {
        await using var subscriber = await RespTestClient.ConnectAsync(port);
        await using var publisher = await RespTestClient.ConnectAsync(port);
        var replies = new List<string> { await subscriber.CallAsync("CLIENT", "REPLY", "ON") };
        await subscriber.SendAsync("CLIENT", "REPLY", "OFF");
        await subscriber.SendAsync("GET", "nokey");
        replies.Add(await subscriber.CallAsync("SUBSCRIBE", "ch"));
        await publisher.CallAsync("PUBLISH", "ch", "hello");
        replies.Add(await subscriber.ReadReplyAsync());
        await subscriber.SendAsync("CLIENT", "REPLY", "SKIP");
        replies.Add(await subscriber.CallAsync("UNSUBSCRIBE", "ch"));
        replies.Add(await subscriber.CallAsync("CLIENT", "REPLY", "ON"));
        await subscriber.SendAsync("CLIENT", "REPLY", "SKIP");
        await subscriber.SendAsync("GET", "skipped");
        replies.Add(await subscriber.CallAsync("ECHO", "shown"));
        return replies;
    }

    // "\\x00bin" stands for a channel name with a NUL byte in it.
    private static string[] Args(string command) => command.Replace("\\x00", "\0", StringComparison.Ordinal).Split(' ');
}
