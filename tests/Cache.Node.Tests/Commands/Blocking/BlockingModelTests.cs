using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Commands.Blocking;

/// <summary>
/// Random histories of BLPOP and RPUSH from several clients against a model of Redis' rules:
/// an element already there is served at once from the first non-empty key; a push serves the
/// pushed key's waiters first come first served, one element each, and a served client stops
/// waiting on its other keys. Each seed is one history; every reply and the lists at the end
/// must be the model's.
/// </summary>
public sealed class BlockingModelTests
{
    private static readonly string[] KeyNames = ["a", "b", "c"];

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 12)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Random_blpop_and_rpush_histories_follow_the_model(int seed)
    {
        var random = new Random(seed);
        await using var node = await TestNode.StartAsync();
        var clients = new List<RespTestClient>();
        for (var i = 0; i < 4; i++)
        {
            clients.Add(await node.ConnectAsync());
        }

        await using var pusher = await node.ConnectAsync();
        var lists = KeyNames.ToDictionary(k => k, _ => new Queue<string>());
        var waiting = new List<(int Client, string[] Keys)>();   // in the order they blocked
        var next = 0;
        for (var step = 0; step < 40; step++)
        {
            var c = random.Next(clients.Count);
            if (random.Next(2) == 0 && !waiting.Exists(w => w.Client == c))
            {
                var keys = KeyNames.OrderBy(_ => random.Next()).Take(1 + random.Next(KeyNames.Length)).ToArray();
                await clients[c].SendAsync([.. new[] { "BLPOP" }.Concat(keys), "0"]);
                if (keys.FirstOrDefault(k => lists[k].Count > 0) is { } ready)
                {
                    Assert.Equal(Pair(ready, lists[ready].Dequeue()), await clients[c].ReadReplyAsync());
                }
                else
                {
                    waiting.Add((c, keys));
                    await Cluster.TestCluster.WaitUntilAsync(() => node.Server.Blocking.BlockedCount == waiting.Count, "the client to block");
                }

                continue;
            }

            var key = KeyNames[random.Next(KeyNames.Length)];
            var values = Enumerable.Range(0, 1 + random.Next(3)).Select(_ => $"v{next++}").ToArray();
            foreach (var value in values)
            {
                lists[key].Enqueue(value);
            }

            Assert.Equal($":{lists[key].Count}\r\n", await pusher.CallAsync([.. new[] { "RPUSH", key }.Concat(values)]));
            foreach (var waiter in waiting.Where(w => w.Keys.Contains(key)).ToList())
            {
                if (lists[key].Count == 0)
                {
                    break;
                }

                waiting.Remove(waiter);
                Assert.Equal(Pair(key, lists[key].Dequeue()), await clients[waiter.Client].ReadReplyAsync());
            }
        }

        foreach (var key in KeyNames)
        {
            var expected = $"*{lists[key].Count}\r\n" + string.Concat(lists[key].Select(v => $"${v.Length}\r\n{v}\r\n"));
            Assert.Equal(expected, await pusher.CallAsync("LRANGE", key, "0", "-1"));
        }

        // Whoever the model still has waiting is still blocked, and nobody else is.
        Assert.Equal(waiting.Count, node.Server.Blocking.BlockedCount);
        var flagged = (await pusher.CallAsync("CLIENT", "LIST")).Split('\n').Count(line => line.Contains("flags=b", StringComparison.Ordinal));
        Assert.Equal(waiting.Count, flagged);
        foreach (var (client, _) in waiting)
        {
            await clients[client].DisposeAsync();
        }

        await Cluster.TestCluster.WaitUntilAsync(() => node.Server.Blocking.BlockedCount == 0 && node.Server.Blocking.KeyCount == 0, "every waiter to go");
        foreach (var client in clients.Where((_, i) => !waiting.Exists(w => w.Client == i)))
        {
            Assert.Equal("+PONG\r\n", await client.CallAsync("PING"));
            await client.DisposeAsync();
        }
    }

    private static string Pair(string key, string value) => $"*2\r\n${key.Length}\r\n{key}\r\n${value.Length}\r\n{value}\r\n";
}
