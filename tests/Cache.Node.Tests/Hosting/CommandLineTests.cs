using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Cache.Node.Configuration;
using Cache.Node.Hosting;

namespace Cache.Node.Tests.Hosting;

public sealed class CommandLineTests
{
    [Fact]
    public void Known_options_parse_in_both_spellings()
    {
        Assert.True(CommandLine.TryParse(["--port", "7000", "--bind=0.0.0.0", "--requirepass", "pw"], out var values, out var error, out _));
        Assert.Null(error);
        Assert.Equal("7000", values["Port"]);
        Assert.Equal("0.0.0.0", values["Bind"]);
        Assert.Equal("pw", values["RequirePass"]);
    }

    [Theory]
    [InlineData(new[] { "--prot", "1" }, "unknown option '--prot'")]
    [InlineData(new[] { "--port" }, "option '--port' needs a value")]
    [InlineData(new[] { "6379" }, "unexpected argument '6379'")]
    public void Bad_command_lines_say_what_is_wrong(string[] args, string expected)
    {
        Assert.False(CommandLine.TryParse(args, out _, out var error, out _));
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(70000, "127.0.0.1", "no", "--port must be between 0 and 65535")]
    [InlineData(6379, "not-an-ip", "no", "--bind: 'not-an-ip' is not an IP address")]
    [InlineData(6379, "127.0.0.1", "maybe", "--enable-debug-command must be no, local or yes")]
    public void Bad_values_are_rejected_with_one_line(int port, string bind, string debug, string expected)
    {
        var error = NodeOptionsValidator.Validate(new NodeOptions { Port = port, Bind = bind, EnableDebugCommand = debug });
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Replicas", 0, "--replicas must be between 1 and 16, not 0")]
    [InlineData("WriteQuorum", 4, "--write-quorum must be between 1 and --replicas (3), or 0 for a majority, not 4")]
    [InlineData("ReadQuorum", 0, "--read-quorum must be between 1 and --replicas (3), not 0")]
    [InlineData("ReplicationTimeout", 5, "--replication-timeout must be between 10 and 600000 ms, not 5")]
    [InlineData("AntiEntropyInterval", 10, "--anti-entropy-interval must be 0 (off) or between 50 and 86400000 ms, not 10")]
    [InlineData("Weight", 0, "--weight must be between 1 and 1000, not 0")]
    public void Cluster_options_out_of_range_are_rejected_with_one_line(string option, int value, string expected)
    {
        var options = new NodeOptions();
        typeof(NodeOptions).GetProperty(option)!.SetValue(options, value);
        Assert.Equal(expected, NodeOptionsValidator.Validate(options));
    }

    [Fact]
    public void A_zone_with_separators_is_rejected_and_cluster_options_parse()
    {
        Assert.StartsWith("--zone must be at most 64 characters", NodeOptionsValidator.Validate(new NodeOptions { Zone = "a;resp=1.2.3.4:1" }));
        Assert.True(CommandLine.TryParse(["--replicas", "2", "--write-quorum=1", "--zone", "eu-1", "--anti-entropy-interval", "0"], out var values, out var error, out _), error);
        Assert.Equal("2", values[nameof(NodeOptions.Replicas)]);
        Assert.Equal("eu-1", values[nameof(NodeOptions.Zone)]);
    }

    [Theory]
    [InlineData(17, 6379, null, null, "--local-cluster must be between 1 and 16 nodes, not 17")]
    [InlineData(-1, 6379, null, null, "--local-cluster must be between 1 and 16 nodes, not -1")]
    [InlineData(3, 6379, 7000, null, "--local-cluster gives each node the gossip port")]
    [InlineData(3, 6379, null, "n1", "--local-cluster names each node host:port; drop --name")]
    [InlineData(3, 55535, null, null, "--local-cluster 3 from --port 55535 needs ports up to 55537")]
    public void Local_cluster_conflicts_are_rejected_with_one_line(int nodes, int port, int? gossipPort, string? name, string expected)
    {
        var error = NodeOptionsValidator.Validate(new NodeOptions { LocalCluster = nodes, Port = port, GossipPort = gossipPort, Name = name });
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Local_cluster_parses_and_validates()
    {
        Assert.True(CommandLine.TryParse(["--local-cluster", "3"], out var values, out _, out _));
        Assert.Equal("3", values["LocalCluster"]);
        Assert.Null(NodeOptionsValidator.Validate(new NodeOptions { LocalCluster = 16, Port = 0 }));
        Assert.Null(NodeOptionsValidator.Validate(new NodeOptions { LocalCluster = 3 }));
    }

    [Fact]
    public void A_value_of_the_wrong_type_names_the_option()
    {
        Assert.Equal("--port must be a whole number, not 'abc'",
            CommandLine.DescribeBindError("Failed to convert configuration value 'abc' at 'Port' to type 'System.Int32'."));
        Assert.Equal("--gossip-port must be a whole number, not 'x'",
            CommandLine.DescribeBindError("Failed to convert configuration value 'x' at 'GossipPort' to type 'System.Nullable`1[System.Int32]'."));
    }

    [Fact]
    public void Defaults_are_valid_and_safe()
    {
        var options = new NodeOptions();
        Assert.Null(NodeOptionsValidator.Validate(options));
        Assert.Equal(6379, options.Port);
        Assert.Equal("127.0.0.1", options.Bind);
        Assert.Equal("no", options.EnableDebugCommand);
    }

    [Fact]
    public async Task The_executable_exits_1_with_one_line_for_an_unknown_option()
    {
        var (code, stdout, stderr) = await RunNodeAsync("--bogus", "1");
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains("unknown option '--bogus'", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_executable_exits_1_with_one_line_when_the_port_is_taken()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var (code, _, stderr) = await RunNodeAsync("--port", port.ToString());
        Assert.Equal(1, code);
        Assert.Contains($"cannot listen on 127.0.0.1:{port}", stderr, StringComparison.Ordinal);
        Assert.Contains("--port", stderr, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunNodeAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Cache.Node.dll"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
