namespace Cache.Node.Tests.Cluster.Faults;

/// <summary>
/// One fault: how it starts and how it heals, and whether the majority side (nodes 1 and 2)
/// kept W = 2 reachable owners throughout, which is when no acknowledged write may be lost.
/// </summary>
internal sealed record FaultScenario(string Name, Func<LabCluster, Task> Inject, Func<LabCluster, Task> Heal, bool QuorumStaysReachable)
{
    private const int Faulted = 3;

    /// <summary>A tool this machine lacks for the fault (it is then skipped, and says so), or null.</summary>
    public string? Needs { get; init; }

    public static IReadOnlyList<FaultScenario> All { get; } =
    [
        new("node 3 cut off (bridge port down)", c => c.Lab.CutAsync(Faulted), c => c.Lab.HealAsync(Faulted), true),
        new("every node cut off (no majority anywhere)", CutAllAsync, HealAllAsync, false),
        // This machine's kernel has no netem (nor tc's gact): loss comes from iptables, delay from a
        // congested link (htb). A machine without iptables skips the loss fault.
        new("20 % packet loss on every cluster link (iptables)", c => c.Lab.DropAsync(20), c => c.Lab.ClearDropAsync(), true) { Needs = NetworkLab.HasIptables ? null : "iptables" },
        new("every cluster link throttled to 64 kbit/s (htb)", c => c.Lab.ThrottleAsync("64kbit"), c => c.Lab.ClearThrottleAsync(), true),
        new("node 3 paused (SIGSTOP)", c => c.Node(Faulted).PauseAsync(), c => c.Node(Faulted).ResumeAsync(), true),
        new("node 3 killed, restarted empty", c => c.KillAsync(Faulted), c => c.StartNodeAsync(Faulted), true),
    ];

    private static async Task CutAllAsync(LabCluster cluster)
    {
        for (var i = 1; i <= cluster.Lab.Nodes; i++)
        {
            await cluster.Lab.CutAsync(i);
        }
    }

    private static async Task HealAllAsync(LabCluster cluster)
    {
        for (var i = 1; i <= cluster.Lab.Nodes; i++)
        {
            await cluster.Lab.HealAsync(i);
        }
    }
}
