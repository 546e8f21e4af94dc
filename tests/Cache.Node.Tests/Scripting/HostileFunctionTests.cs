using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Scripting;

/// <summary>
/// Libraries that try to hang the node: an endless loop while loading ends at the load timeout,
/// an endless function is killed with FUNCTION KILL while other clients are answered, and SCRIPT
/// KILL and FUNCTION KILL each refuse the other kind of script.
/// </summary>
public sealed class HostileFunctionTests
{
    private const string BusyFunction = "-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n";

    [Fact]
    public async Task An_endless_loop_while_loading_ends_at_the_load_timeout_and_keeps_nothing()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("$3\r\nlib\r\n", await client.CallAsync("FUNCTION", "LOAD", "#!lua name=lib\nredis.register_function('f', function() return 1 end)"));

        var reply = await client.CallAsync("FUNCTION", "LOAD", "REPLACE", "#!lua name=lib\nredis.register_function('g', function() end) while true do end");

        Assert.Equal("-ERR Error registering functions: ERR FUNCTION LOAD timeout\r\n", reply);
        // The library it tried to replace is still there, and the engine serves the next call.
        Assert.Equal(":1\r\n", await client.CallAsync("FCALL", "f", "0"));
        Assert.Equal("-ERR Function not found\r\n", await client.CallAsync("FCALL", "g", "0"));
        Assert.Equal("+PONG\r\n", await client.CallAsync("PING"));
    }

    [Fact]
    public async Task An_endless_function_is_killed_with_function_kill_while_others_are_served()
    {
        await using var node = await TestNode.StartAsync();
        await using var runner = await node.ConnectAsync();
        await using var other = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await other.CallAsync("CONFIG", "SET", "busy-reply-threshold", "50"));
        await other.CallAsync("FUNCTION", "LOAD", "#!lua name=lib\nredis.register_function('spin', function() local i = 0 while true do i = i + 1 end end)");

        var looping = runner.CallAsync("FCALL", "spin", "0");
        await AwaitBusyAsync(other, looping);
        Assert.Equal(BusyFunction, await other.CallAsync("GET", "k"));
        Assert.Equal(BusyFunction, await other.CallAsync("SCRIPT", "KILL"));
        var stats = await other.CallAsync("FUNCTION", "STATS");
        Assert.StartsWith("*4\r\n$14\r\nrunning_script\r\n*6\r\n$4\r\nname\r\n$4\r\nspin\r\n$7\r\ncommand\r\n*3\r\n$5\r\nFCALL\r\n$4\r\nspin\r\n$1\r\n0\r\n$11\r\nduration_ms\r\n:", stats);
        Assert.Equal("+OK\r\n", await other.CallAsync("FUNCTION", "KILL"));

        Assert.StartsWith("-ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:2.", await looping);
        Assert.Equal("+PONG\r\n", await other.CallAsync("PING"));
        Assert.Equal("-NOTBUSY No scripts in execution right now.\r\n", await other.CallAsync("FUNCTION", "KILL"));
    }

    [Fact]
    public async Task Function_kill_does_not_stop_an_eval_script()
    {
        await using var node = await TestNode.StartAsync();
        await using var runner = await node.ConnectAsync();
        await using var other = await node.ConnectAsync();
        await other.CallAsync("CONFIG", "SET", "busy-reply-threshold", "50");

        var looping = runner.CallAsync("EVAL", "while true do end", "0");
        await AwaitBusyAsync(other, looping, "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n");
        Assert.StartsWith("-BUSY", await other.CallAsync("FUNCTION", "KILL"));
        Assert.StartsWith("-BUSY", await other.CallAsync("FUNCTION", "STATS"));
        Assert.Equal("+OK\r\n", await other.CallAsync("SCRIPT", "KILL"));
        Assert.StartsWith("-ERR Script killed by user", await looping);
    }

    /// <summary>PINGs until one is answered BUSY; fails if the script ended first.</summary>
    private static async Task AwaitBusyAsync(RespTestClient other, Task<string> script, string busy = BusyFunction)
    {
        while (true)
        {
            var reply = await other.CallAsync("PING");
            if (reply == busy)
            {
                return;
            }

            Assert.Equal("+PONG\r\n", reply);
            if (script.IsCompleted)
            {
                Assert.Fail("The script ended before another client saw it busy: " + await script);
            }
        }
    }
}
