using System.Text.RegularExpressions;
using Cache.Node.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Cache.Node.Tests.Commands;

/// <summary>Server and introspection commands where replies hold ids, times or process figures.</summary>
public sealed class ServerCommandTests
{
    private const string DebugRefused =
        "-ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.\r\n";

    [Fact]
    public async Task Info_has_every_section_and_the_gc_figures()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        var info = Body(await client.CallAsync("INFO"));
        foreach (var header in new[] { "# Server", "# Clients", "# Memory", "# Persistence", "# Stats", "# Replication", "# CPU", "# Keyspace" })
        {
            Assert.Contains("\r\n" + header + "\r\n", "\r\n" + info);
        }

        Assert.Contains("redis_version:7.0.15\r\n", info);
        Assert.Contains($"tcp_port:{node.Port}\r\n", info);
        Assert.Contains("role:master\r\n", info);
        Assert.Contains("connected_clients:1\r\n", info);
        Assert.Contains("maxmemory_policy:noeviction\r\n", info);
        foreach (var field in new[] { "gc_heap_size_bytes", "gc_gen0_collections", "gc_gen1_collections", "gc_gen2_collections", "gc_total_pause_ms", "used_memory", "used_memory_rss" })
        {
            Assert.Matches(new Regex($"\r\n{field}:[0-9]+\r\n"), info);
        }

        Assert.Matches(new Regex("\r\ngc_pause_time_percentage:[0-9]+\\.[0-9]{2}\r\n"), info);
        Assert.Matches(new Regex("\r\nused_memory_human:[0-9.]+[BKMGTP]\r\n"), info);
        Assert.EndsWith("# Keyspace\r\n", info);
        Assert.Contains("\r\n\r\n# Clients\r\n", info);
    }

    [Fact]
    public async Task Info_sections_are_selected_case_insensitively_in_fixed_order()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        var info = Body(await client.CallAsync("INFO", "CLIENTS", "server", "nosuch", "server"));
        Assert.StartsWith("# Server\r\n", info);
        Assert.Contains("config_file:\r\n\r\n# Clients\r\n", info);
        Assert.DoesNotContain("# Memory", info);
        Assert.EndsWith("clients_in_timeout_table:0\r\n", info);
        Assert.Equal("$0\r\n\r\n", await client.CallAsync("INFO", "nosuch"));
        var everything = Body(await client.CallAsync("INFO", "everything"));
        Assert.Contains("# Keyspace", everything);
    }

    [Fact]
    public async Task Info_commandstats_counts_calls_failures_and_rejections_and_errorstats_counts_codes()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SET", "s", "v");
        await client.CallAsync("SET", "s", "v");
        await client.CallAsync("HSET", "s", "f", "v");   // WRONGTYPE: a failed call
        await client.CallAsync("GET");                  // arity: a rejected call
        await client.CallAsync("CONFIG", "GET", "port");
        var stats = Body(await client.CallAsync("INFO", "commandstats"));
        Assert.StartsWith("# Commandstats\r\n", stats);
        Assert.Matches(new Regex("\r\ncmdstat_set:calls=2,usec=[0-9]+,usec_per_call=[0-9]+\\.[0-9]{2},rejected_calls=0,failed_calls=0\r\n"), stats);
        Assert.Matches(new Regex("\r\ncmdstat_hset:calls=1,.*,rejected_calls=0,failed_calls=1\r\n"), stats);
        Assert.Matches(new Regex("\r\ncmdstat_get:calls=0,.*,rejected_calls=1,failed_calls=0\r\n"), stats);
        Assert.Contains("\r\ncmdstat_config|get:calls=1,", stats);

        var errors = Body(await client.CallAsync("INFO", "errorstats"));
        Assert.Contains("errorstat_ERR:count=1\r\n", errors);
        Assert.Contains("errorstat_WRONGTYPE:count=1\r\n", errors);
        Assert.DoesNotContain("rejected_calls", Body(await client.CallAsync("INFO")));
        Assert.Contains("total_error_replies:2\r\n", Body(await client.CallAsync("INFO", "stats")));

        await client.CallAsync("CONFIG", "RESETSTAT");
        Assert.DoesNotContain("cmdstat_set:", Body(await client.CallAsync("INFO", "commandstats")));
        Assert.DoesNotContain("errorstat_", Body(await client.CallAsync("INFO", "errorstats")));
    }

    [Fact]
    public async Task Client_kill_closes_other_connections_by_filter_and_this_one_after_its_reply()
    {
        await using var node = await TestNode.StartAsync();
        await using var me = await node.ConnectAsync();
        await using var first = await node.ConnectAsync();
        await using var second = await node.ConnectAsync();
        var firstId = (await first.CallAsync("CLIENT", "ID")).Trim(':', '\r', '\n');
        Assert.Equal(":1\r\n", await me.CallAsync("CLIENT", "KILL", "ID", firstId));
        Assert.True(await first.IsClosedByServerAsync());
        Assert.Equal(":0\r\n", await me.CallAsync("CLIENT", "KILL", "ID", firstId));
        Assert.Equal("-ERR No such client\r\n", await me.CallAsync("CLIENT", "KILL", "127.0.0.1:1"));
        Assert.Equal(":0\r\n", await me.CallAsync("CLIENT", "KILL", "TYPE", "pubsub"));
        Assert.Contains("connected_clients:2\r\n", Body(await me.CallAsync("INFO", "clients")));

        Assert.Equal(":2\r\n", await me.CallAsync("CLIENT", "KILL", "SKIPME", "no"));
        Assert.True(await second.IsClosedByServerAsync());
        Assert.True(await me.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Info_is_a_verbatim_string_in_resp3()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("HELLO", "3");
        var reply = await client.CallAsync("INFO", "keyspace");
        Assert.Equal("=16\r\ntxt:# Keyspace\r\n\r\n", reply);
    }

    [Fact]
    public async Task Info_keyspace_counts_keys_and_expiries_after_sets()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SET", "a", "1");
        await client.CallAsync("SET", "b", "2");
        await client.CallAsync("SET", "c", "3", "PX", "100000");
        Assert.Equal("# Keyspace\r\ndb0:keys=3,expires=1,avg_ttl=0\r\n", Body(await client.CallAsync("INFO", "keyspace")));
    }

    [Fact]
    public async Task Info_stats_counts_hits_and_misses_and_resetstat_clears_them()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SET", "a", "1");
        await client.CallAsync("GET", "a");
        await client.CallAsync("GET", "a");
        await client.CallAsync("GET", "missing");
        var stats = Body(await client.CallAsync("INFO", "stats"));
        Assert.Contains("\r\nkeyspace_hits:2\r\nkeyspace_misses:1\r\n", stats);
        Assert.Contains("\r\ntotal_connections_received:1\r\n", stats);
        Assert.Equal("+OK\r\n", await client.CallAsync("CONFIG", "RESETSTAT"));
        stats = Body(await client.CallAsync("INFO", "stats"));
        Assert.Contains("\r\nkeyspace_hits:0\r\nkeyspace_misses:0\r\n", stats);
        Assert.Contains("\r\ntotal_connections_received:0\r\n", stats);
    }

    [Fact]
    public async Task Client_list_shows_both_connections_with_their_names()
    {
        await using var node = await TestNode.StartAsync();
        await using var first = await node.ConnectAsync();
        await using var second = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await first.CallAsync("CLIENT", "SETNAME", "alpha"));
        Assert.Equal("+OK\r\n", await second.CallAsync("CLIENT", "SETNAME", "beta"));
        var firstId = Id(await first.CallAsync("CLIENT", "ID"));
        var secondId = Id(await second.CallAsync("CLIENT", "ID"));

        var lines = Body(await first.CallAsync("CLIENT", "LIST")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        var pattern = "^id={0} addr=127\\.0\\.0\\.1:[0-9]+ laddr=127\\.0\\.0\\.1:{1} fd=[0-9]+ name={2} age=0 idle=0 flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 "
            + "qbuf={4} qbuf-free=[0-9]+ argv-mem={5} multi-mem=0 rbs=0 rbp=[0-9]+ obl=0 oll=0 omem=0 tot-mem=[0-9]+ events=r cmd={3} user=default redir=-1 resp=2 lib-name= lib-ver=$";
        // The running command's own frame and arguments show in qbuf and argv-mem; the idle client's are 0.
        Assert.Matches(string.Format(pattern, firstId, node.Port, "alpha", "client\\|list", 26, 10), lines[0]);
        Assert.Matches(string.Format(pattern, secondId, node.Port, "beta", "client\\|id", 0, 0), lines[1]);

        var byId = Body(await first.CallAsync("CLIENT", "LIST", "ID", secondId.ToString(), "424242"));
        Assert.Matches($"^id={secondId} .* name=beta .*\n$", byId);
        var normal = Body(await first.CallAsync("CLIENT", "LIST", "TYPE", "normal"));
        Assert.Equal(2, normal.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Client_id_differs_per_connection_and_matches_client_info()
    {
        await using var node = await TestNode.StartAsync();
        await using var first = await node.ConnectAsync();
        await using var second = await node.ConnectAsync();
        var a = Id(await first.CallAsync("CLIENT", "ID"));
        var b = Id(await second.CallAsync("CLIENT", "ID"));
        Assert.NotEqual(a, b);
        Assert.StartsWith($"id={a} ", Body(await first.CallAsync("CLIENT", "INFO")));
        Assert.StartsWith($"id={b} ", Body(await second.CallAsync("CLIENT", "INFO")));
    }

    [Fact]
    public async Task Client_info_shows_multi_state_protocol_and_library()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await client.CallAsync("CLIENT", "SETINFO", "LIB-NAME", "SE.Redis"));
        Assert.Equal("+OK\r\n", await client.CallAsync("CLIENT", "SETINFO", "lib-ver", "2.8.0"));
        await client.CallAsync("HELLO", "3");
        var info = Body(await client.CallAsync("CLIENT", "INFO"));
        Assert.Matches(" flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=26 qbuf-free=[0-9]+ argv-mem=10 multi-mem=0 rbs=0 rbp=[0-9]+ obl=0 oll=0 omem=0 tot-mem=[0-9]+ events=r cmd=client\\|info user=default redir=-1 resp=3 lib-name=SE.Redis lib-ver=2.8.0\n$", info);

        var id = Id(await client.CallAsync("CLIENT", "ID"));
        await using var other = await node.ConnectAsync();

        // MULTI lives in another command family; put the session in a transaction directly.
        using (node.Server.Keys.Enter())
        {
            node.Server.Clients[id].Transaction.Begin();
        }

        var line = Body(await other.CallAsync("CLIENT", "LIST", "ID", id.ToString()));
        Assert.Contains(" flags=x db=0 sub=0 psub=0 ssub=0 multi=0 ", line);
    }

    [Fact]
    public async Task Client_setinfo_errors_are_redis_72s()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("-ERR Unrecognized option 'lib-foo'\r\n", await client.CallAsync("CLIENT", "SETINFO", "lib-foo", "x"));
        Assert.Equal("-ERR lib-NAME cannot contain spaces, newlines or special characters.\r\n", await client.CallAsync("CLIENT", "SETINFO", "lib-NAME", "a b"));
        Assert.Equal("-ERR lib-ver cannot contain spaces, newlines or special characters.\r\n", await client.CallAsync("CLIENT", "SETINFO", "lib-ver", "1\n2"));
        Assert.Equal("-ERR wrong number of arguments for 'client|setinfo' command\r\n", await client.CallAsync("CLIENT", "SETINFO", "lib-name"));
        Assert.Equal("+OK\r\n", await client.CallAsync("CLIENT", "SETINFO", "lib-name", ""));
        Assert.EndsWith(" lib-name= lib-ver=\n", Body(await client.CallAsync("CLIENT", "INFO")));
    }

    [Fact]
    public async Task Time_follows_the_injected_clock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2031, 3, 14, 15, 9, 26, TimeSpan.Zero));
        await using var node = await TestNode.StartAsync(time: time);
        await using var client = await node.ConnectAsync();
        var seconds = new DateTimeOffset(2031, 3, 14, 15, 9, 26, TimeSpan.Zero).ToUnixTimeSeconds();
        Assert.Equal($"*2\r\n$10\r\n{seconds}\r\n$1\r\n0\r\n", await client.CallAsync("TIME"));
        time.Advance(TimeSpan.FromMilliseconds(1500.25));
        Assert.Equal($"*2\r\n$10\r\n{seconds + 1}\r\n$6\r\n500250\r\n", await client.CallAsync("TIME"));
        time.Advance(TimeSpan.FromDays(2));
        Assert.Contains("\r\nuptime_in_seconds:172801\r\nuptime_in_days:2\r\n", Body(await client.CallAsync("INFO", "server")));
    }

    [Fact]
    public async Task Debug_is_refused_when_disabled()
    {
        await using var node = await TestNode.StartAsync(o => o.EnableDebugCommand = "no");
        await using var client = await node.ConnectAsync();
        Assert.Equal(DebugRefused, await client.CallAsync("DEBUG", "GC"));
        Assert.Equal(DebugRefused, await client.CallAsync("DEBUG", "SLEEP", "0"));
        Assert.Equal("-ERR wrong number of arguments for 'debug' command\r\n", await client.CallAsync("DEBUG"));
    }

    [Theory]
    [InlineData("local")]
    [InlineData("yes")]
    public async Task Debug_runs_for_a_local_connection(string setting)
    {
        await using var node = await TestNode.StartAsync(o => o.EnableDebugCommand = setting);
        await using var client = await node.ConnectAsync();
        var before = GC.CollectionCount(2);
        Assert.Matches(@"^:[0-9]+\r\n$", await client.CallAsync("DEBUG", "GC"));
        Assert.True(GC.CollectionCount(2) > before);
        Assert.Equal("+OK\r\n", await client.CallAsync("DEBUG", "SLEEP", "0"));
        Assert.Equal("-ERR DEBUG SLEEP only accepts 0 on this server\r\n", await client.CallAsync("DEBUG", "SLEEP", "1"));
        Assert.StartsWith("*", await client.CallAsync("DEBUG", "HELP"));
    }

    [Fact]
    public async Task Command_info_and_docs_describe_get()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        var info = await client.CallAsync("COMMAND", "INFO", "get");
        Assert.StartsWith("*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n", info);
        Assert.Equal("*1\r\n$-1\r\n", await client.CallAsync("COMMAND", "INFO", "nosuch"));
        Assert.Equal(
            "*2\r\n$3\r\nget\r\n*4\r\n$7\r\nsummary\r\n$34\r\nReturns the string value of a key.\r\n$5\r\ngroup\r\n$6\r\nstring\r\n",
            await client.CallAsync("COMMAND", "DOCS", "get"));
        var config = await client.CallAsync("COMMAND", "DOCS", "config");
        Assert.Contains("$11\r\nsubcommands\r\n", config);
        Assert.Contains("$10\r\nconfig|get\r\n", config);
        await client.CallAsync("HELLO", "3");
        Assert.StartsWith("%1\r\n$3\r\nget\r\n%2\r\n$7\r\nsummary\r\n", await client.CallAsync("COMMAND", "DOCS", "get"));
        Assert.StartsWith("*1\r\n*10\r\n$3\r\nget\r\n:2\r\n~2\r\n", await client.CallAsync("COMMAND", "INFO", "get"));
    }

    [Fact]
    public async Task Command_count_and_list_cover_the_table()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        var count = node.Server.Commands.All.Count;
        Assert.Equal($":{count}\r\n", await client.CallAsync("COMMAND", "COUNT"));
        Assert.StartsWith($"*{count}\r\n*10\r\n", await client.CallAsync("COMMAND"));
        var list = await client.CallAsync("COMMAND", "LIST");
        Assert.Contains("\r\n$11\r\nclient|list\r\n", list);
        Assert.Contains("\r\n$3\r\nget\r\n", list);
        Assert.Equal("*1\r\n$4\r\ntime\r\n", await client.CallAsync("COMMAND", "LIST", "FILTERBY", "PATTERN", "tim?"));
        Assert.Contains("\r\n$4\r\nping\r\n", await client.CallAsync("COMMAND", "LIST", "FILTERBY", "ACLCAT", "connection"));
        Assert.Equal("*0\r\n", await client.CallAsync("COMMAND", "LIST", "FILTERBY", "MODULE", "json"));
        Assert.Equal("*1\r\n$1\r\nk\r\n", await client.CallAsync("COMMAND", "GETKEYS", "SET", "k", "v"));
    }

    [Fact]
    public async Task Config_get_is_a_map_in_resp3_and_set_applies_limits()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("*2\r\n$9\r\ndatabases\r\n$1\r\n1\r\n", await client.CallAsync("CONFIG", "GET", "databases"));
        Assert.Equal($"*2\r\n$4\r\nport\r\n${node.Port.ToString().Length}\r\n{node.Port}\r\n", await client.CallAsync("CONFIG", "GET", "port"));
        // A Kestrel listener cannot move: another port or address is refused, the same one is accepted as Redis accepts it.
        Assert.Equal($"+OK\r\n", await client.CallAsync("CONFIG", "SET", "port", node.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.StartsWith("-ERR CONFIG SET failed (possibly related to argument 'port') - ", await client.CallAsync("CONFIG", "SET", "port", "1"), StringComparison.Ordinal);
        Assert.Equal("-ERR CONFIG SET failed (possibly related to argument 'bind') - bind cannot change while the node runs; restart it with --bind\r\n", await client.CallAsync("CONFIG", "SET", "bind", "0.0.0.0"));
        Assert.Equal("+OK\r\n", await client.CallAsync("CONFIG", "SET", "proto-max-bulk-len", "2mb", "client-query-buffer-limit", "4mb"));
        Assert.Equal(2L * 1024 * 1024, node.Server.Limits.MaxBulkLength);
        Assert.Equal(4L * 1024 * 1024, node.Server.Limits.QueryBufferLimit);

        // A bad pair anywhere changes nothing.
        Assert.StartsWith("-ERR CONFIG SET failed (possibly related to argument 'hz')", await client.CallAsync("CONFIG", "SET", "maxclients", "7", "hz", "x"));
        Assert.Equal(10000, node.Server.Settings.MaxClients);

        await client.CallAsync("HELLO", "3");
        Assert.Equal("%1\r\n$2\r\nhz\r\n$2\r\n10\r\n", await client.CallAsync("CONFIG", "GET", "hz"));
        Assert.Equal("%2\r\n$17\r\nreplica-read-only\r\n$3\r\nyes\r\n$15\r\nslave-read-only\r\n$3\r\nyes\r\n", await client.CallAsync("CONFIG", "GET", "*read-only"));
    }

    [Fact]
    public async Task Config_set_requirepass_demands_auth_from_new_connections()
    {
        await using var node = await TestNode.StartAsync();
        await using var admin = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await admin.CallAsync("CONFIG", "SET", "requirepass", "s3cret"));
        Assert.Equal("*2\r\n$11\r\nrequirepass\r\n$6\r\ns3cret\r\n", await admin.CallAsync("CONFIG", "GET", "requirepass"));
        await using var other = await node.ConnectAsync();
        Assert.Equal("-NOAUTH Authentication required.\r\n", await other.CallAsync("GET", "k"));
        Assert.Equal("+OK\r\n", await admin.CallAsync("CONFIG", "SET", "requirepass", ""));
    }

    /// <summary>The text of a bulk or verbatim reply.</summary>
    private static string Body(string reply)
    {
        var start = reply.IndexOf("\r\n", StringComparison.Ordinal) + 2;
        var body = reply[start..^2];
        return reply[0] == '=' ? body[4..] : body;
    }

    private static long Id(string reply)
    {
        Assert.Matches(@"^:[0-9]+\r\n$", reply);
        return long.Parse(reply.AsSpan(1, reply.Length - 3));
    }
}
