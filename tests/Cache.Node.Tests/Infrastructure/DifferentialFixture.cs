using System.Text;

namespace Cache.Node.Tests.Infrastructure;

/// <summary>
/// Our node and a real redis-server side by side. A script of commands runs against both on
/// fresh connections after FLUSHALL, and every reply must match byte for byte.
/// </summary>
public sealed class DifferentialFixture : IAsyncLifetime
{
    public TestNode Node { get; private set; } = null!;

    public RedisServerProcess Redis { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Node = await TestNode.StartAsync();
        Redis = await RedisServerProcess.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        await Redis.DisposeAsync();
    }

    /// <summary>Runs commands written as space-separated words (no quoting) against both servers.</summary>
    public Task AssertSameAsync(params string[] commands) =>
        AssertSameAsync(commands.Select(c => c.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray());

    /// <summary>Runs commands given as argument arrays against both servers and compares every reply.</summary>
    public async Task AssertSameAsync(params string[][] commands)
    {
        var ours = await RunAsync(Node.Port, commands);
        var theirs = await RunAsync(Redis.Port, commands);
        var report = new StringBuilder();
        for (var i = 0; i < commands.Length; i++)
        {
            if (ours[i] != theirs[i])
            {
                report.Append("command: ").AppendJoin(' ', commands[i]).AppendLine()
                    .Append("  redis: ").AppendLine(Show(theirs[i]))
                    .Append("  ours:  ").AppendLine(Show(ours[i]));
            }
        }

        Assert.True(report.Length == 0, "Replies differ from redis-server:\n" + report);
    }

    /// <summary>The replies of one server, for tests that check something beyond equality.</summary>
    public static async Task<List<string>> RunAsync(int port, string[][] commands)
    {
        await using var client = await RespTestClient.ConnectAsync(port);
        Assert.Equal("+OK\r\n", await client.CallAsync("FLUSHALL"));
        var replies = new List<string>();
        foreach (var command in commands)
        {
            replies.Add(await client.CallAsync(command));
        }

        return replies;
    }

    private static string Show(string reply) => reply.Replace("\r\n", "\\r\\n", StringComparison.Ordinal);
}

[CollectionDefinition(Name)]
public sealed class DifferentialCollection : ICollectionFixture<DifferentialFixture>
{
    public const string Name = "redis-server differential";
}
