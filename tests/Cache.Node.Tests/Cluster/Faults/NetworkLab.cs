using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Cache.Node.Tests.Cluster.Faults;

/// <summary>
/// Network namespaces of our own for a fault-injection run: a hub namespace holding a bridge that
/// carries the cluster's traffic (10.77.0.i), one namespace per node, and a client namespace with
/// a separate link to each node (10.78.i.0/24), so a node cut off from its peers is still reached
/// by its writer. Faults act on the bridge side: a port down drops everything silently; netem
/// adds loss or delay. Everything is removed on dispose, after a failure too.
/// </summary>
internal sealed partial class NetworkLab : IAsyncDisposable
{
    private readonly string _prefix;
    private readonly List<string> _namespaces = [];

    private NetworkLab(string prefix, int nodes)
    {
        _prefix = prefix;
        Nodes = nodes;
    }

    public int Nodes { get; }

    public string Hub => _prefix + "hub";

    public string Client => _prefix + "cli";

    public string NodeNamespace(int i) => _prefix + "n" + i.ToString(CultureInfo.InvariantCulture);

    /// <summary>Node i's address on the cluster network (its gossip and peer traffic).</summary>
    public static string ClusterAddress(int i) => $"10.77.0.{i}";

    /// <summary>Node i's address on its private link to the client namespace.</summary>
    public static string ClientSideAddress(int i) => $"10.78.{i}.2";

    /// <summary>Why the lab cannot run here, or null when it can.</summary>
    public static string? Unavailable()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "fault injection needs Linux network namespaces";
        }

        if (geteuid() != 0)
        {
            return "fault injection needs root (ip netns, tc netem); run as root to include it";
        }

        return File.Exists("/usr/sbin/ip") || File.Exists("/sbin/ip") || File.Exists("/usr/bin/ip")
            ? File.Exists("/usr/sbin/tc") || File.Exists("/sbin/tc") || File.Exists("/usr/bin/tc") ? null : "fault injection needs tc (iproute2)"
            : "fault injection needs ip (iproute2)";
    }

    public static async Task<NetworkLab> CreateAsync(int nodes)
    {
        var lab = new NetworkLab($"gc{Environment.ProcessId % 100000}x{Random.Shared.Next(1000)}", nodes);
        try
        {
            await lab.BuildAsync();
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    private async Task BuildAsync()
    {
        await AddNamespaceAsync(Hub);
        await AddNamespaceAsync(Client);
        await IpAsync("-n", Hub, "link", "add", "br0", "type", "bridge");
        await IpAsync("-n", Hub, "link", "set", "br0", "up");
        await IpAsync("-n", Client, "link", "set", "lo", "up");
        for (var i = 1; i <= Nodes; i++)
        {
            var ns = NodeNamespace(i);
            await AddNamespaceAsync(ns);
            await IpAsync("-n", ns, "link", "set", "lo", "up");
            // The cluster network: eth0 in the node, h<i> on the hub's bridge.
            await IpAsync("-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", "h" + i, "netns", Hub);
            await IpAsync("-n", ns, "addr", "add", ClusterAddress(i) + "/24", "dev", "eth0");
            await IpAsync("-n", ns, "link", "set", "eth0", "up");
            await IpAsync("-n", Hub, "link", "set", "h" + i, "master", "br0");
            await IpAsync("-n", Hub, "link", "set", "h" + i, "up");
            // The client's own link to the node.
            await IpAsync("-n", ns, "link", "add", "cl", "type", "veth", "peer", "name", "n" + i, "netns", Client);
            await IpAsync("-n", ns, "addr", "add", ClientSideAddress(i) + "/24", "dev", "cl");
            await IpAsync("-n", ns, "link", "set", "cl", "up");
            await IpAsync("-n", Client, "addr", "add", $"10.78.{i}.1/24", "dev", "n" + i);
            await IpAsync("-n", Client, "link", "set", "n" + i, "up");
        }
    }

    /// <summary>Cuts node i off the cluster network (its bridge port down: packets silently dropped both ways).</summary>
    public Task CutAsync(int i) => IpAsync("-n", Hub, "link", "set", "h" + i, "down");

    public Task HealAsync(int i) => IpAsync("-n", Hub, "link", "set", "h" + i, "up");

    /// <summary>True when iptables is installed (the loss fault needs it; this kernel has no netem).</summary>
    public static bool HasIptables => File.Exists("/usr/sbin/iptables") || File.Exists("/sbin/iptables");

    /// <summary>Drops each packet on every node's cluster link with <paramref name="percent"/> % probability, both ways (iptables' statistic match).</summary>
    public async Task DropAsync(int percent)
    {
        var probability = (percent / 100.0).ToString("0.00", CultureInfo.InvariantCulture);
        for (var i = 1; i <= Nodes; i++)
        {
            foreach (var (chain, direction) in new[] { ("INPUT", "-i"), ("OUTPUT", "-o") })
            {
                await RunAsync("ip", ["netns", "exec", NodeNamespace(i), "iptables", "-A", chain, direction, "eth0", "-m", "statistic", "--mode", "random", "--probability", probability, "-j", "DROP"]);
            }
        }
    }

    public async Task ClearDropAsync()
    {
        for (var i = 1; i <= Nodes; i++)
        {
            await RunAsync("ip", ["netns", "exec", NodeNamespace(i), "iptables", "-F"], check: false);
        }
    }

    /// <summary>Limits every node's cluster egress to <paramref name="rate"/> (htb): a slow, congested link whose queue adds delay.</summary>
    public async Task ThrottleAsync(string rate)
    {
        for (var i = 1; i <= Nodes; i++)
        {
            var ns = NodeNamespace(i);
            await RunAsync("ip", ["netns", "exec", ns, "tc", "qdisc", "replace", "dev", "eth0", "root", "handle", "1:", "htb", "default", "10"]);
            await RunAsync("ip", ["netns", "exec", ns, "tc", "class", "replace", "dev", "eth0", "parent", "1:", "classid", "1:10", "htb", "rate", rate, "ceil", rate]);
        }
    }

    public async Task ClearThrottleAsync()
    {
        for (var i = 1; i <= Nodes; i++)
        {
            await RunAsync("ip", ["netns", "exec", NodeNamespace(i), "tc", "qdisc", "del", "dev", "eth0", "root"], check: false);
        }
    }

    /// <summary>A TCP connection made from inside the client namespace (the socket is created on a thread that joined it).</summary>
    public Task<TcpClient> ConnectFromClientAsync(string address, int port) => ConnectFromAsync(Client, address, port);

    /// <summary>A TCP connection made from inside namespace <paramref name="ns"/>.</summary>
    public static Task<TcpClient> ConnectFromAsync(string ns, string address, int port)
    {
        var done = new TaskCompletionSource<TcpClient>(TaskCreationOptions.RunContinuationsAsynchronously);
        var path = "/var/run/netns/" + ns;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle(path);
                if (setns((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                {
                    throw new IOException($"setns({path}) failed: errno {Marshal.GetLastPInvokeError()}");
                }

                var tcp = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
                tcp.Connect(IPAddress.Parse(address), port);
                done.SetResult(tcp);
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        })
        { IsBackground = true };
        thread.Start();
        return done.Task;
    }

    private async Task AddNamespaceAsync(string name)
    {
        await IpAsync("netns", "add", name);
        _namespaces.Add(name);
    }

    private static Task IpAsync(params string[] args) => RunAsync("ip", args);

    internal static async Task RunAsync(string file, string[] args, bool check = true)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await error}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Deleting a namespace removes its veth ends, and with them their peers.
        foreach (var ns in Enumerable.Reverse(_namespaces))
        {
            await RunAsync("ip", ["netns", "del", ns], check: false);
        }
    }

    private const int CloneNewNet = 0x40000000;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setns(int fd, int nstype);

    [LibraryImport("libc")]
    private static partial uint geteuid();
}
