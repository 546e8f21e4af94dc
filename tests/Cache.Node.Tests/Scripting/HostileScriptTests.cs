using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Scripting;

/// <summary>
/// Scripts that try to hang, exhaust or escape the node: each ends in a script error (or is
/// killed), the node keeps serving other clients meanwhile, and nothing is left in the store.
/// </summary>
public sealed class HostileScriptTests
{
    private const string Busy = "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n";

    [Fact]
    public async Task An_endless_loop_lets_other_clients_in_with_busy_and_is_killed()
    {
        await using var node = await TestNode.StartAsync();
        await using var runner = await node.ConnectAsync();
        await using var other = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await other.CallAsync("CONFIG", "SET", "busy-reply-threshold", "50"));
        Assert.Equal("-NOTBUSY No scripts in execution right now.\r\n", await other.CallAsync("SCRIPT", "KILL"));

        var looping = runner.CallAsync("EVAL", "local i = 0 while true do i = i + 1 end", "0");
        // The other client's commands wait behind the script, then are answered BUSY once it passes the threshold.
        await AwaitBusyAsync(other, looping);
        Assert.Equal(Busy, await other.CallAsync("GET", "k"));
        Assert.Equal("+OK\r\n", await other.CallAsync("SCRIPT", "KILL"));

        var killed = await looping;
        Assert.StartsWith("-ERR Script killed by user with SCRIPT KILL... script: ", killed);
        Assert.Equal("+PONG\r\n", await other.CallAsync("PING"));
        Assert.Equal(":0\r\n", await other.CallAsync("DBSIZE"));
        Assert.Equal(":1\r\n", await runner.CallAsync("EVAL", "return 1", "0"));
        Assert.Equal("-NOTBUSY No scripts in execution right now.\r\n", await other.CallAsync("SCRIPT", "KILL"));
    }

    [Fact]
    public async Task A_loop_caught_by_pcall_is_still_killed()
    {
        await using var node = await TestNode.StartAsync();
        await using var runner = await node.ConnectAsync();
        await using var other = await node.ConnectAsync();
        await other.CallAsync("CONFIG", "SET", "busy-reply-threshold", "50");

        var looping = runner.CallAsync("EVAL", "while true do pcall(function() while true do end end) end", "0");
        await AwaitBusyAsync(other, looping);
        Assert.Equal("+OK\r\n", await other.CallAsync("SCRIPT", "KILL"));
        Assert.StartsWith("-ERR Script killed by user with SCRIPT KILL...", await looping);
        Assert.Equal("+PONG\r\n", await other.CallAsync("PING"));
    }

    [Fact]
    public async Task A_loop_inside_a_coroutine_is_killed_too()
    {
        await using var node = await TestNode.StartAsync();
        await using var runner = await node.ConnectAsync();
        await using var other = await node.ConnectAsync();
        await other.CallAsync("CONFIG", "SET", "busy-reply-threshold", "50");

        var looping = runner.CallAsync("EVAL", "coroutine.wrap(function() while true do end end)()", "0");
        await AwaitBusyAsync(other, looping);
        Assert.Equal("+OK\r\n", await other.CallAsync("SCRIPT", "KILL"));
        Assert.StartsWith("-ERR", await looping);
        Assert.Equal("+PONG\r\n", await other.CallAsync("PING"));
    }

    [Fact]
    public async Task A_script_that_wrote_cannot_be_killed()
    {
        await using var node = await TestNode.StartAsync();
        await using var runner = await node.ConnectAsync();
        await using var other = await node.ConnectAsync();
        await other.CallAsync("CONFIG", "SET", "busy-reply-threshold", "20");

        // Runs for 4 s of the server's clock, however fast the machine: long enough for the other
        // client to see it busy and ask SCRIPT KILL even when the test's continuations run late on a loaded machine.
        const string script = "redis.call('set', 'x', '1') local function now() local t = redis.call('time') return t[1] * 1000000 + t[2] end "
            + "local start = now() while now() - start < 4000000 do end return 'done'";
        var running = runner.CallAsync("EVAL", script, "0");
        await AwaitBusyAsync(other, running);
        Assert.StartsWith("-UNKILLABLE Sorry the script already executed write commands", await other.CallAsync("SCRIPT", "KILL"));
        Assert.Equal("$4\r\ndone\r\n", await running);
        Assert.Equal("$1\r\n1\r\n", await other.CallAsync("GET", "x"));
    }

    /// <summary>
    /// PINGs until one is answered BUSY: the first may run before the script took the lock (PONG);
    /// once it runs, a PING waits for the busy threshold. Fails if the script had ended before a
    /// PING was sent (looked at before sending: a PONG read late, on a loaded machine, may arrive
    /// after a script that started behind it ended).
    /// </summary>
    private static async Task AwaitBusyAsync(RespTestClient other, Task<string> script)
    {
        while (true)
        {
            if (script.IsCompleted)
            {
                Assert.Fail("The script ended before another client saw it busy: " + await script);
            }

            var reply = await other.CallAsync("PING");
            if (reply == Busy)
            {
                return;
            }

            Assert.Equal("+PONG\r\n", reply);
        }
    }

    [Theory]
    [InlineData("local function f() return 1 + f() end return f()", "stack overflow")]
    [InlineData("local s = 'x' for i = 1, 40 do s = s .. s end return #s", "not enough memory")]
    [InlineData("local t = {} for i = 1, 1e9 do t[i] = i end return #t", "not enough memory")]
    [InlineData("return string.rep('x', 2^30)", "not enough memory")]
    [InlineData("local t = {} t[1] = t return t", null)]
    [InlineData("return os.execute('id')", "nonexistent global variable 'os'")]
    [InlineData("return io.open('/etc/passwd'):read('*a')", "nonexistent global variable 'io'")]
    [InlineData("return loadfile('/etc/passwd')", "nonexistent global variable 'loadfile'")]
    [InlineData("return require('os')", "nonexistent global variable 'require'")]
    [InlineData("return loadstring(string.dump(function() return 1 end))()", "attempt to call a nil value")]
    [InlineData("getfenv(0).KEYS = 1", "Attempt to modify a readonly table")]
    [InlineData("setfenv(0, {})", "Attempt to modify a readonly table")]
    [InlineData("redis.call = nil", "Attempt to modify a readonly table")]
    [InlineData("string.rep = nil", "Attempt to modify a readonly table")]
    [InlineData("getmetatable('').__index.rep = nil", "Attempt to modify a readonly table")]
    public async Task A_hostile_script_ends_in_an_error_and_the_node_keeps_serving(string script, string? error)
    {
        await using var node = await TestNode.StartAsync();
        node.Server.Scripts.MemoryLimit = 32 * 1024 * 1024;
        await using var client = await node.ConnectAsync();

        var reply = await client.CallAsync("EVAL", script, "0");
        if (error is null)
        {
            // A self-referencing table: the reply is cut at Lua's stack limit, not a crash.
            Assert.Contains("reached lua stack limit", reply);
        }
        else
        {
            Assert.StartsWith("-", reply);
            Assert.Contains(error, reply);
        }

        // The engine and every library are intact for the next script.
        Assert.Equal("$1\r\nx\r\n", await client.CallAsync("EVAL", "return string.rep('x', 1)", "0"));
        Assert.Equal(":3\r\n", await client.CallAsync("EVAL", "return redis.call('rpush', 'l', 'a', 'b', 'c')", "0"));
        Assert.Equal("$1\r\n1\r\n", await client.CallAsync("EVAL", "return tostring(KEYS ~= nil and 1)", "0"));
        Assert.Equal(":1\r\n", await client.CallAsync("DBSIZE"));
        Assert.True(node.Server.Scripts.UsedMemory < 32 * 1024 * 1024);
    }

    [Fact]
    public async Task A_rawset_into_a_protected_table_does_not_outlive_the_script()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();

        await client.CallAsync("EVAL", "rawset(_G, 'leak', 1) rawset(redis, 'call', function() return 'hijacked' end)", "0");

        Assert.StartsWith("-ERR user_script:1: Script attempted to access nonexistent global variable 'leak'", await client.CallAsync("EVAL", "return leak", "0"));
        Assert.Equal("+OK\r\n", await client.CallAsync("EVAL", "return redis.call('set', 'k', 'v')", "0"));
    }
}
